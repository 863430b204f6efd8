using System.ComponentModel;
using BertFineTune.Cli.Infrastructure;
using BertFineTune.Inference;
using BertFineTune.Pipelines;
using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary><c>bertft predict</c>: classify every row of a file; writes the rows plus predictions as CSV, TSV or XLSX.</summary>
public sealed class PredictCommand : AsyncCommand<PredictCommand.Settings>
{
    public sealed class Settings : ClassifierSettings
    {
        [CommandOption("-o|--output <FILE>")]
        [Description("The file to write: .csv, .tsv or .xlsx (the extension picks the format); '-' (the default) is CSV on standard output.")]
        [DefaultValue("-")]
        public string Output { get; init; } = "-";

        [CommandOption("--logits")]
        [Description("Also write the raw logits, one logit_<label> column per label.")]
        public bool Logits { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Every check that needs no model comes first: a bad --output or --device must not wait for the model to load.
        if (settings.Output != "-")
        {
            PredictionFile.CheckOutput(settings.Input, settings.Output);
        }

        DeviceCheck.EnsureAvailable(settings.Device);
        var input = await InputTable.ReadAsync(settings.Input, settings.TextColumn, null, Console.OpenStandardInput, cancellationToken, settings.TextPairColumn);
        using var classifier = TextClassifier.Load(ModelSources.ForPathOrHubId(settings.Model, new Progress<string>(Console.Error.WriteLine)), settings.ToClassifierOptions(), cancellationToken);
        if (settings.Output == "-")
        {
            await PredictPipeline.WriteAsync(classifier, input, Console.Out, settings.Logits, null, cancellationToken);
            return ExitCodes.Ok;
        }

        await PredictionFile.WriteAsync(classifier, input, settings.Output, settings.Logits, null, cancellationToken);
        Console.Error.WriteLine($"wrote {input.Rows.Count} predictions to {Path.GetFullPath(settings.Output)}");
        return ExitCodes.Ok;
    }
}
