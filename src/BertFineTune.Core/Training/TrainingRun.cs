using System.Diagnostics;
using BertFineTune.Config;
using BertFineTune.Diagnostics;
using BertFineTune.IO;
using BertFineTune.Models;
using BertFineTune.Training.Batching;
using BertFineTune.Training.Checkpoints;
using BertFineTune.Training.Logging;
using BertFineTune.Training.Losses;
using BertFineTune.Training.Optimization;
using BertFineTune.Training.Precision;
using BertFineTune.Training.Schedules;
using BertFineTune.Training.Strategies;
using TorchSharp;

namespace BertFineTune.Training;

/// <summary>
/// One call of <see cref="Trainer.TrainAsync"/>: HF v4.57's <c>_inner_training_loop</c>.
/// Gradient accumulation follows v4.57 (the rule since v4.46): an epoch's batches are cut into groups of
/// <c>gradient_accumulation_steps</c>, the last group of an epoch may be shorter and still ends in an optimizer step,
/// each micro-batch loss is divided by the size of its group, and an epoch has ceil(batches / accumulation) steps.
/// </summary>
internal sealed partial class TrainingRun : IDisposable
{
    private readonly Trainer _trainer;
    private readonly TrainerOptions _o;
    private readonly SequenceClassificationModel _model;
    private readonly IProgress<TrainingProgress>? _progress;
    private readonly CancellationToken _ct;
    private readonly TokenizedDataset _train;
    private readonly TokenizedDataset? _eval;
    private readonly ClassificationLoss _loss;
    private readonly EventLog _events;
    private readonly TensorBoardReporter? _tensorBoard;
    private readonly DynamicLossScaler? _scaler;
    private readonly TrainerControl _control = new();
    private readonly Stopwatch _watch = new();
    private readonly List<UserError> _warnings;
    private readonly bool _withTokenTypes;
    private readonly long _nonEmbeddingParameters;
    private AdamWOptimizer? _optimizer;
    private LearningRateSchedule? _schedule;
    private TrainerState _state = new();
    private long _schedulerStep;
    private double _lossSinceLog;
    private long _lastLoggedStep;
    private long _stepsThisRun;
    private double _totalLoss;
    private long _totalLossSteps;
    private string _runId = string.Empty;
    private bool _resumedUnlabelledRun;
    private long _samplesThisRun;
    private long _tokensThisRun;
    private double? _lastGradNorm;
    private bool _stoppedEarly;
    private (long Step, EvaluationOutput Output)? _lastEval;

    public TrainingRun(
        Trainer trainer,
        IReadOnlyList<TrainingExample> train,
        IReadOnlyList<TrainingExample>? eval,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        _trainer = trainer;
        _o = trainer.Options;
        _model = trainer.Model;
        _progress = progress;
        _ct = cancellationToken;
        if (train.Count == 0)
        {
            throw new UserErrorException("BFT309", "The training split is empty; there is nothing to train on. Check the dataset and the split ratios.");
        }

        if (_o.EvalStrategy != IntervalStrategy.No && (eval is null || eval.Count == 0))
        {
            throw new UserErrorException(
                "BFT309",
                $"eval_strategy is {_o.EvalStrategy.ToYaml()} but there is no validation data. Add a validation split or set eval_strategy: no.",
                key: "loggings.eval_strategy");
        }

        ExampleValidator.Validate(train, _model, "train");
        _train = trainer.Encodings(train);
        _eval = eval is null || eval.Count == 0 ? null : Evaluator.Tokenized(trainer, eval);
        _withTokenTypes = trainer.Tokenizer.ReturnsTokenTypeIds && _model.UsesTokenTypeIds;
        _nonEmbeddingParameters = NonEmbeddingParameters(_model);
        var weights = _o.ClassWeights == ClassWeighting.Balanced ? ClassWeights.Balanced(train, _model.Labels, _model.ProblemType) : null;
        _loss = new ClassificationLoss(_model.ProblemType, _o.LabelSmoothing, weights);
        Directory.CreateDirectory(_o.OutputDir);
        _events = new EventLog(Path.Combine(_o.OutputDir, "logs", "events.jsonl"));
        // The event files are also the offline record of a tracked run (wandb sync --sync-tensorboard).
        _tensorBoard = _o.ReportTo.Any(t => t is ReportSink.Tensorboard or ReportSink.Wandb or ReportSink.Mlflow) ? new TensorBoardReporter(Path.Combine(_o.OutputDir, "logs", "tensorboard")) : null;
        _scaler = trainer.Precision.UsesLossScaling ? new DynamicLossScaler() : null;
        _warnings = [.. trainer.Warnings];
    }

    private long BatchesPerEpoch => (_train.Count + _o.BatchSize - 1) / _o.BatchSize;

    private long UpdatesPerEpoch => Math.Max(1, (BatchesPerEpoch + _o.GradientAccumulationSteps - 1) / _o.GradientAccumulationSteps);

    private long MaxSteps => _o.Epochs * UpdatesPerEpoch;

    public TrainingResult Run()
    {
        torch.set_num_threads(_o.Threads ?? DeviceResolver.PhysicalCores());
        // What a killed process left: temp folders (checkpoints being written or deleted) and temp files (reports).
        AtomicDirectory.CleanLeftovers(_o.OutputDir);
        AtomicFile.CleanLeftovers(_o.OutputDir);
        RunFolder.CheckStart(_o.OutputDir, _o.ResumeFromCheckpoint, _o.OverwriteOutputDir);
        var resumeDir = _o.ResumeFromCheckpoint is null ? null : CheckpointFolders.ResolveResume(_o.OutputDir, _o.ResumeFromCheckpoint);
        ClaimOutputFolder(resumeDir);
        if (resumeDir is not null)
        {
            // Before the optimizer is built: the fused optimizer copies the current weights into its flat buffer.
            _model.LoadWeights(resumeDir);
        }
        else
        {
            torch.manual_seed(_o.Seed);
        }

        if (_trainer.Device.type != DeviceType.CPU)
        {
            _model.to(_trainer.Device);
        }

        _model.SetLinearComputeType(_trainer.Precision.LinearComputeType);
        _model.Unpadded = _o.Unpadded;
        _optimizer = AdamWOptimizer.Create(_o.Optim, ParameterGroups.Build(_model.named_parameters(), _o.WeightDecay));
        _schedule = new LearningRateSchedule(
            _o.LrSchedulerType,
            _o.LearningRate,
            LearningRateSchedule.ResolveWarmupSteps(_o.WarmupSteps, _o.WarmupRatio, MaxSteps),
            MaxSteps);
        _state = new TrainerState
        {
            MaxSteps = MaxSteps,
            NumTrainEpochs = _o.Epochs,
            TrainBatchSize = _o.BatchSize,
            LoggingSteps = _o.LoggingSteps,
            EvalSteps = _o.EffectiveEvalSteps,
            SaveSteps = _o.SaveSteps,
        };
        if (resumeDir is not null)
        {
            Resume(resumeDir);
        }
        else
        {
            _events.Write("run_start", 0, 0, text: new Dictionary<string, string> { ["overwrite"] = _o.OverwriteOutputDir ? "true" : "false" });
        }

        foreach (var w in _warnings)
        {
            _events.Write("warning", _state.GlobalStep, _state.Epoch, text: new Dictionary<string, string> { ["code"] = w.Code, ["message"] = w.Message });
        }

        // Loading and building left garbage (managed arrays, freed load-time tensors): drop it before training's peak.
        Native.MemoryRelease.Now();
        _watch.Start();
        try
        {
            TrainEpochs();
        }
        catch (OperationCanceledException)
        {
            _events.Write("cancelled", _state.GlobalStep, _state.Epoch);
            throw;
        }

        return Finish();
    }

    public void Dispose()
    {
        _optimizer?.Dispose();
        _loss.Dispose();
        _events.Dispose();
    }

    /// <summary>
    /// Makes the output folder this run's: a fresh run (after <c>--overwrite</c> cleared an earlier one) gets a new run
    /// id; a resumed run keeps its checkpoint's id and loss sum. <c>run.json</c> names the run, unfinished.
    /// </summary>
    private void ClaimOutputFolder(string? resumeDir)
    {
        if (resumeDir is null)
        {
            if (_o.OverwriteOutputDir)
            {
                RunFolder.ClearForOverwrite(_o.OutputDir);
            }

            var manifest = RunManifest.New();
            manifest.Write(_o.OutputDir);
            _runId = manifest.RunId;
        }
        else
        {
            var saved = RunState.TryRead(resumeDir);
            _resumedUnlabelledRun = saved is null;
            _runId = saved?.RunId ?? RunManifest.New().RunId;
            _totalLoss = saved?.TotalLoss ?? 0;
            _totalLossSteps = saved?.TotalLossSteps ?? 0;
            var started = RunManifest.TryRead(_o.OutputDir) is { } old && old.RunId == _runId ? old.Started : DateTimeOffset.UtcNow;
            new RunManifest(_runId, started, null).Write(_o.OutputDir);
        }

        _events.RunId = _runId;
    }

    /// <summary>Whether a checkpoint folder belongs to this run (so rotation may delete it).</summary>
    private bool OwnsCheckpoint(string dir) => RunState.TryRead(dir)?.RunId is { } id ? id == _runId : _resumedUnlabelledRun;

    /// <summary>HF's <c>num_parameters(exclude_embeddings=True)</c>: every parameter outside the Embedding modules.</summary>
    private static long NonEmbeddingParameters(SequenceClassificationModel model)
    {
        var embeddings = model.named_modules()
            .Where(m => m.module is TorchSharp.Modules.Embedding)
            .SelectMany(m => m.module.parameters())
            .Sum(p => p.numel());
        return model.parameters().Sum(p => p.numel()) - embeddings;
    }

    private void Resume(string dir)
    {
        var saved = CheckpointIO.ReadTrainerState(dir);
        var resumeState = CheckpointIO.ReadInto(dir, _optimizer!);
        saved.MaxSteps = MaxSteps;
        saved.NumTrainEpochs = _o.Epochs;
        _state = saved;
        _schedulerStep = resumeState.SchedulerStep;
        _lastLoggedStep = _state.GlobalStep;
        CheckpointIO.RestoreTorchRng(resumeState.TorchRngState);
        if (_scaler is not null && resumeState.LossScale is { } scale)
        {
            _scaler.Restore(scale, resumeState.LossScaleGrowthTracker);
        }

        // The steps after the checkpoint are redone: their earlier lines in events.jsonl are flagged, not repeated silently.
        var superseded = _events.SupersedeAfter(_state.GlobalStep, _resumedUnlabelledRun ? null : _runId);
        _events.Write("resume", _state.GlobalStep, _state.Epoch, new Dictionary<string, double> { ["superseded_lines"] = superseded }, new Dictionary<string, string> { ["checkpoint"] = dir });
    }

    private void Report(TrainingProgressKind kind, double loss)
    {
        if (_progress is null)
        {
            return;
        }

        var seconds = Math.Max(_watch.Elapsed.TotalSeconds, 1e-9);
        TimeSpan? eta = _stepsThisRun == 0 ? null : TimeSpan.FromSeconds(seconds / _stepsThisRun * (MaxSteps - _state.GlobalStep));
        _progress.Report(new TrainingProgress(
            kind, _state.Epoch, _state.GlobalStep, MaxSteps, loss, CurrentLearningRate, _samplesThisRun / seconds, _tokensThisRun / seconds, eta));
    }

    private TrainingResult Finish()
    {
        var seconds = Math.Max(_watch.Elapsed.TotalSeconds, 1e-9);
        // HF's train_loss: the mean step loss over the whole run; the sum travels in each checkpoint's run_state.json.
        var trainLoss = _totalLossSteps == 0 ? 0.0 : _totalLoss / _totalLossSteps;
        var finalWeightsStep = _state.GlobalStep;
        if (_o.LoadBestModelAtEnd && _state.BestModelCheckpoint is { } best && Directory.Exists(best))
        {
            _model.LoadWeights(best);
            finalWeightsStep = CheckpointFolders.StepOf(best) ?? -1;
            _events.Write("load_best", _state.GlobalStep, _state.Epoch, text: new Dictionary<string, string> { ["checkpoint"] = best });
        }

        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["train_runtime"] = seconds,
            ["train_samples_per_second"] = (double)_train.Count * _o.Epochs / seconds,
            ["train_steps_per_second"] = MaxSteps / seconds,
            ["train_loss"] = trainLoss,
            ["total_flos"] = _state.TotalFlos,
        };
        Log("train_end", metrics);

        var modelDir = Path.Combine(_o.OutputDir, "model");
        AtomicDirectory.Write(modelDir, tmp =>
        {
            _model.SavePretrained(tmp);
            _trainer.Tokenizer.Save(tmp);
        });
        _events.Write("model_saved", _state.GlobalStep, _state.Epoch, text: new Dictionary<string, string> { ["directory"] = Path.GetFullPath(modelDir) });

        return new TrainingResult(
            _state.GlobalStep,
            _state.Epoch,
            trainLoss,
            metrics,
            _state.BestMetric,
            _state.BestModelCheckpoint,
            Path.GetFullPath(modelDir),
            _state.LogHistory.Select(d => (IReadOnlyDictionary<string, double>)d).ToList(),
            _stoppedEarly,
            _warnings)
        {
            RunId = _runId,
            FinalValidation = ValidationOfFinalWeights(finalWeightsStep),
        };
    }

    /// <summary>
    /// The last evaluation, when it ran on the weights the run ends with (the last step's, or the best checkpoint's),
    /// with the plain loss <see cref="Trainer.Evaluate"/> reports: the caller need not run the same pass again.
    /// </summary>
    private EvaluationOutput? ValidationOfFinalWeights(long finalWeightsStep)
    {
        if (_lastEval is not { } last || last.Step != finalWeightsStep)
        {
            return null;
        }

        var output = last.Output;
        return output.UnweightedLoss is { } plain
            ? output with { Metrics = new Dictionary<string, double>(output.Metrics) { ["eval_loss"] = plain }, UnweightedLoss = null }
            : output;
    }
}
