using System.Globalization;
using BertFineTune.Config;
using BertFineTune.Data;
using BertFineTune.Data.Output;
using BertFineTune.Evaluation;
using BertFineTune.Hub;
using BertFineTune.Models;
using BertFineTune.Native;
using BertFineTune.Reporting;
using BertFineTune.Text.Tokenization;
using BertFineTune.Tracking;
using BertFineTune.Training;
using TorchSharp;

namespace BertFineTune.Pipelines;

/// <summary>What <c>bertft train</c> produced.</summary>
public sealed record TrainRunResult(OutputLayout Output, TrainingResult Training, MetricsDocument Metrics, ReportFiles Report, ModelLoadReport ModelLoad);

/// <summary>
/// <c>bertft train</c>, end to end: data pipeline → model resolution → tokenizer and model → Trainer → evaluation of
/// every split with the final (best, or else last) model → <c>metrics.json</c>, <c>report.html</c> and charts.
/// </summary>
public sealed class TrainPipeline(IProgress<string>? log = null, IProgress<TrainingProgress>? progress = null)
{
    /// <summary>Timeouts, retries and environment of <c>report_to: wandb / mlflow</c>.</summary>
    public TrackingOptions Tracking { get; init; } = new();

    public Task<TrainRunResult> RunAsync(LoadedConfig loaded, string? resumeFromCheckpoint, CancellationToken cancellationToken) =>
        RunAsync(loaded, resumeFromCheckpoint, overwriteOutputDir: false, cancellationToken);

    /// <param name="loaded">The config.</param>
    /// <param name="resumeFromCheckpoint"><c>--resume</c>: a checkpoint folder or <c>latest</c>; null trains afresh (or as the config says).</param>
    /// <param name="overwriteOutputDir"><c>--overwrite</c>: a fresh run may delete another run's checkpoints and outputs in <c>output_dir</c>; without it such a folder is refused (BFT320).</param>
    /// <param name="cancellationToken">Stops training at the next step boundary.</param>
    public async Task<TrainRunResult> RunAsync(LoadedConfig loaded, string? resumeFromCheckpoint, bool overwriteOutputDir, CancellationToken cancellationToken)
    {
        try
        {
            return await RunCoreAsync(loaded, resumeFromCheckpoint, overwriteOutputDir, cancellationToken);
        }
        catch (Diagnostics.UserErrorException e)
        {
            // The Trainer names its settings by their config paths; this adds the YAML line of each.
            throw new Diagnostics.UserErrorException(e.Errors.Select(loaded.Sources.Attach).ToList());
        }
    }

    private async Task<TrainRunResult> RunCoreAsync(LoadedConfig loaded, string? resumeFromCheckpoint, bool overwriteOutputDir, CancellationToken cancellationToken)
    {
        TorchNativeLoader.EnsureLoaded();
        var started = DateTimeOffset.UtcNow;
        var config = loaded.Config;
        var output = OutputLayout.ForWriting(loaded);

        // Settings the Trainer would refuse are reported before the slow stages (data, model download).
        var options = loaded.ToTrainerOptions(resumeFromCheckpoint, TrainerOptionsMapping.CudaAvailable()) with { OverwriteOutputDir = overwriteOutputDir };
        TrainerOptionsValidator.Validate(options);
        DeviceResolver.Resolve(options.Device);

        // Before data/ is rewritten: a folder holding another run, or a finished run asked to resume, is refused untouched.
        Training.Checkpoints.RunFolder.CheckStart(options.OutputDir, options.ResumeFromCheckpoint, options.OverwriteOutputDir);

        log?.Report("preparing data");
        var dataOptions = loaded.ToDataPipelineOptions();
        var data = await DataPipeline.PrepareAsync(dataOptions, null, cancellationToken);
        Report(loaded, data.Report.Warnings);

        var resolved = await new ModelResolver().ResolveAsync(
            config.BaseModel.ModelId,
            config.BaseModel.Revision,
            loaded.ResolvePath(config.Huggingface.ModelPath),
            config.Credentials.HuggingfaceToken,
            cancellationToken,
            new Progress<ModelResolveProgress>(p => log?.Report(p.Message)));

        var tokenizer = AutoTokenizer.FromDirectory(resolved.Directory);

        // Seeded before the model exists: a fresh classification head must be the same on every run.
        torch.manual_seed(config.Seed);
        var (model, modelLoad) = AutoModelForSequenceClassification.FromPretrained(
            resolved.Directory,
            new ModelLoadOptions { Labels = data.Labels.Names, ProblemType = data.ProblemType, Seed = config.Seed });
        using var modelScope = model;
        if (modelLoad.Head != HeadSource.Checkpoint)
        {
            log?.Report(modelLoad.Describe());
        }

        // Started where HF's trackers start (on_train_begin): a data or model error leaves no run behind.
        await using var tracking = TrackingSession.Start(loaded, options, Tracking, log, cancellationToken);
        var metricsOptions = new MetricsOptions(data.Labels.Names, MultiLabelThreshold: config.Training.MultiLabelThreshold);
        var trainer = new Trainer(model, tokenizer, options, p => ClassificationMetrics.ComputeMetrics(p, metricsOptions).Metrics)
        {
            Callbacks = tracking is null ? [] : [tracking],
        };
        Report(loaded, trainer.Warnings);

        var train = Examples(data.Train, data);
        var validation = Examples(data.Validation, data);
        var test = Examples(data.Test, data);

        // data_report.json's token lengths come from the encodings training and evaluation then reuse: each text is
        // tokenized once in the whole run.
        data = data with { Report = data.Report with { TokenLengths = TokenLengths(trainer, (train, "train"), (validation, "validation"), (test, "test")) } };
        await PreparedDataWriter.WriteAsync(data, output.Data, dataOptions, cancellationToken);

        log?.Report($"training on {train.Count} examples ({validation.Count} validation, {test.Count} test), device {trainer.Device}");
        var result = await trainer.TrainAsync(train, validation.Count > 0 ? validation : null, progress, cancellationToken);
        Report(loaded, result.Warnings.Except(trainer.Warnings));

        log?.Report("evaluating the final model on every split");
        var document = new MetricsDocument
        {
            ProblemType = data.ProblemType,
            Labels = data.Labels.Names,
            Train = Evaluate(trainer, train, "train", metricsOptions, cancellationToken),
            // The Trainer's last evaluation already ran on the final weights in most runs: its result is reused.
            Validation = validation.Count == 0 ? null
                : result.FinalValidation is { } done ? Report(trainer, done, validation, "eval", metricsOptions)
                : Evaluate(trainer, validation, "eval", metricsOptions, cancellationToken),
            Test = test.Count > 0 ? Evaluate(trainer, test, "test", metricsOptions, cancellationToken) : null,
            Summary = result.Metrics,
        };

        var files = await ReportWriter.WriteAsync(
            new ReportData
            {
                Title = "Training report",
                Run = new RunInfo(config.BaseModel.ModelId, trainer.Device.ToString(), started, DateTimeOffset.UtcNow - started, RunDetails(resolved, result, trainer)),
                Metrics = document,
                Config = loaded.Describe().Select(s => new KeyValuePair<string, string>(s.Key, s.Value)).ToList(),
                LogHistory = result.LogHistory.Select(LogHistoryEntry.FromTrainerLog).ToList(),
            },
            output.Root,
            cancellationToken);

        // Only now is the run finished: a later --resume must not redo the evaluation and rewrite these files.
        Training.Checkpoints.RunManifest.MarkFinished(options.OutputDir, result.RunId, result.GlobalStep);
        if (tracking is not null)
        {
            tracking.ReportResults(document, result.ModelDirectory, files);
            await tracking.FinishAsync(0);
        }

        return new TrainRunResult(output, result, document, files, modelLoad);
    }

    private static ClassificationReport Evaluate(Trainer trainer, IReadOnlyList<TrainingExample> examples, string prefix, MetricsOptions options, CancellationToken cancellationToken) =>
        Report(trainer, trainer.Evaluate(examples, prefix, cancellationToken), examples, prefix, options);

    private static ClassificationReport Report(Trainer trainer, EvaluationOutput evaluation, IReadOnlyList<TrainingExample> examples, string prefix, MetricsOptions options)
    {
        var prediction = trainer.Model.ProblemType == ProblemType.MultiLabelClassification
            ? EvalPrediction.MultiLabel(evaluation.Logits, examples.Select(e => e.MultiHot!).ToArray())
            : EvalPrediction.SingleLabel(evaluation.Logits, examples.Select(e => e.LabelId).ToArray());
        return ClassificationMetrics.ComputeMetrics(prediction, options with { Loss = evaluation.Metrics[$"{prefix}_loss"] }).Report;
    }

    private static List<TrainingExample> Examples(IReadOnlyList<DataExample> split, PreparedData data) =>
        data.ProblemType == ProblemType.MultiLabelClassification
            ? split.Select(e => TrainingExample.MultiLabel(e.Text, e.MultiHot(data.Labels.Count))).ToList()
            : split.Select(e => TrainingExample.SingleLabel(e.Text, e.LabelId)).ToList();

    /// <summary>Untruncated token counts per split, so users can choose <c>max_length</c> from data.</summary>
    private static Dictionary<string, LengthStats> TokenLengths(Trainer trainer, params (IReadOnlyList<TrainingExample> Examples, string Name)[] splits) =>
        splits.Where(s => s.Examples.Count > 0)
            .ToDictionary(s => s.Name, s => LengthStats.From(trainer.UntruncatedTokenLengths(s.Examples)));

    private static List<KeyValuePair<string, string>> RunDetails(ResolvedModel resolved, TrainingResult result, Trainer trainer) =>
    [
        new("weights", resolved.Description),
        new("precision", trainer.Precision.ToString()),
        new("global steps", result.GlobalStep.ToString(CultureInfo.InvariantCulture)),
        new("epochs", result.Epoch.ToString("0.##", CultureInfo.InvariantCulture)),
        new("best checkpoint", result.BestModelCheckpoint ?? "-"),
        new("stopped early", result.StoppedEarly ? "yes" : "no"),
    ];

    private void Report(LoadedConfig loaded, IEnumerable<Diagnostics.UserError> warnings)
    {
        foreach (var warning in warnings)
        {
            log?.Report(loaded.Sources.Attach(warning).ToString());
        }
    }
}
