using System.Runtime.InteropServices;
using BertFineTune.Cli.Commands;
using BertFineTune.Cli.Infrastructure;
using BertFineTune.Diagnostics;
using BertFineTune.Native;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BertFineTune.Cli;

/// <summary>The <c>bertft</c> command line: command registration and the one place that turns failures into exit codes.</summary>
public static class BertftApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["--version"] or ["-v"])
        {
            return VersionCommand.Print();
        }

        var app = new CommandApp();
        app.Configure(Configure);
        try
        {
            // The first Ctrl+C (or SIGTERM) cancels: training stops at a step boundary and leaves only whole
            // checkpoints (continue with --resume), serve drains in-flight requests; a second signal ends the process.
            using var cancel = new CancellationTokenSource();
            void OnSignal(PosixSignalContext context)
            {
                context.Cancel = !cancel.IsCancellationRequested;
                cancel.Cancel();
            }

            using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            return await app.RunAsync(JoinDashValues(args), cancel.Token);
        }
        catch (UserErrorException e)
        {
            ErrorOutput.Write(e.Errors);
            return ExitCodes.UserError;
        }
        catch (CommandParseException e)
        {
            ErrorOutput.Write([new UserError("BFT000", e.Message + " Run 'bertft --help' for usage.")]);
            return ExitCodes.UserError;
        }
        catch (CommandRuntimeException e)
        {
            ErrorOutput.Write([new UserError("BFT000", e.Message + " Run 'bertft --help' for usage.")]);
            return ExitCodes.UserError;
        }
        catch (TorchNativeLoadException e)
        {
            Console.Error.WriteLine($"bertft: error BFT900: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("bertft: cancelled. An interrupted train keeps its whole checkpoints; continue it with: bertft train <config> --resume");
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// <c>--input -</c> means standard input, but Spectre's parser reads a lone <c>-</c> as an option with no name;
    /// joining it to its option (<c>--input=-</c>) keeps the Unix convention working.
    /// </summary>
    internal static string[] JoinDashValues(string[] args)
    {
        var joined = new List<string>(args.Length);
        foreach (var arg in args)
        {
            if (arg == "-" && joined.Count > 0 && joined[^1].StartsWith('-') && !joined[^1].Contains('='))
            {
                joined[^1] += "=-";
            }
            else
            {
                joined.Add(arg);
            }
        }

        return [.. joined];
    }

    private static void Configure(IConfigurator config)
    {
        config.SetApplicationName("bertft");
        config.PropagateExceptions();
        config.Settings.StrictParsing = true;
        // Commands arrive with their issues; each registers here, one line each.
        ModelsBranch.Register(config);
        config.AddBranch("export", export =>
        {
            export.SetDescription("Export a fine-tuned classifier for other runtimes.");
            export.AddCommand<ExportOnnxCommand>("onnx")
                .WithDescription("Write model.onnx (fp32, or --quantize int8), config.json and the tokenizer files: a folder that bertft predict/evaluate/serve and the BertFineTune.Inference package run with ONNX Runtime.")
                .WithExample("export", "onnx", "--model", "output/model", "--output", "output/onnx", "--quantize", "int8");
        });
        config.AddCommand<ServeCommand>("serve").WithDescription("Serve a classifier over HTTP: POST /v1/classify, GET /v1/model, GET /healthz.");
        config.AddCommand<ValidateCommand>("validate").WithDescription("Check a config file and print the effective settings (secrets masked).");
        config.AddCommand<SchemaCommand>("schema").WithDescription("Print config.schema.json (or --markdown: the configuration reference).");
        config.AddCommand<InitCommand>("init").WithDescription("Write a commented starter config.");
        config.AddCommand<PrepareCommand>("prepare").WithDescription("Read, merge, clean, encode and split the data; write <output_dir>/data/ and a report.");
        config.AddCommand<TrainCommand>("train").WithDescription("Fine-tune: data, model, training, evaluation; writes <output_dir>/model, metrics.json and report.html.");
        config.AddCommand<BenchCommand>("bench").WithDescription("Training throughput (samples/s, real tokens/s, peak memory) of a model on a labelled file, fp32 vs bf16.");
        config.AddCommand<PredictCommand>("predict").WithDescription("Classify every row of a file; write the rows plus predictions as CSV.");
        config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Metrics of a trained model on a labelled file: metrics.json and report.html.");
    }
}
