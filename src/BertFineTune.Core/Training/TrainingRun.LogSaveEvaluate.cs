using BertFineTune.Config;
using BertFineTune.Diagnostics;
using BertFineTune.Training.Checkpoints;
using BertFineTune.Training.Strategies;

namespace BertFineTune.Training;

/// <summary>HF's <c>_maybe_log_save_evaluate</c>: logging, evaluation with best-metric and early-stopping tracking, checkpoints.</summary>
internal sealed partial class TrainingRun
{
    private double CurrentLearningRate => _schedule!.LearningRate(_schedulerStep);

    private void MaybeLogSaveEvaluate()
    {
        if (_control.ShouldLog && _state.GlobalStep > _lastLoggedStep)
        {
            var logs = new SortedDictionary<string, double>(StringComparer.Ordinal)
            {
                ["loss"] = _lossSinceLog / (_state.GlobalStep - _lastLoggedStep),
                ["learning_rate"] = CurrentLearningRate,
            };
            if (_lastGradNorm is { } norm)
            {
                logs["grad_norm"] = norm;
            }

            _lossSinceLog = 0;
            _lastLoggedStep = _state.GlobalStep;
            Log("log", logs);
        }

        if (_control.ShouldEvaluate)
        {
            EvaluateAndTrack();
        }

        if (_control.ShouldSave)
        {
            SaveCheckpoint();
        }
    }

    private void EvaluateAndTrack()
    {
        using var evaluator = new Evaluator(_trainer, _eval!, _loss);
        var output = evaluator.Run("eval", _ct);
        var metrics = output.Metrics;
        _lastEval = (_state.GlobalStep, output);
        _model.train();
        var entry = new SortedDictionary<string, double>(metrics.ToDictionary(), StringComparer.Ordinal);
        Log("eval", entry);

        var key = _o.EffectiveBestMetric;
        if (!metrics.TryGetValue(key, out var value))
        {
            if (_o.LoadBestModelAtEnd || _o.EarlyStoppingPatience is not null || _o.MetricForBestModel is not null)
            {
                throw new UserErrorException(
                    "BFT313",
                    $"metric_for_best_model is '{_o.MetricForBestModel ?? "loss"}', but the evaluation produced no '{key}'. Available: {string.Join(", ", metrics.Keys.Order())}.",
                    key: "loggings.metric_for_best_model");
            }

            return;
        }

        var greater = _o.EffectiveGreaterIsBetter;
        if (_o.EarlyStoppingPatience is { } patience)
        {
            _state.EarlyStoppingPatienceCounter = BestMetricTracker.NextPatienceCounter(
                _state.EarlyStoppingPatienceCounter, value, _state.BestMetric, greater, _o.EarlyStoppingThreshold);
            if (_state.EarlyStoppingPatienceCounter >= patience)
            {
                _control.ShouldTrainingStop = true;
                _stoppedEarly = true;
                _events.Write("early_stop", _state.GlobalStep, _state.Epoch, new Dictionary<string, double>
                {
                    [key] = value,
                    ["best_metric"] = _state.BestMetric ?? double.NaN,
                    ["patience"] = patience,
                });
            }
        }

        if (BestMetricTracker.IsBetter(value, _state.BestMetric, greater))
        {
            _state.BestMetric = value;
            if (_o.SaveStrategy is IntervalStrategy.Steps or IntervalStrategy.Epoch)
            {
                _state.BestGlobalStep = _state.GlobalStep;
            }
        }
    }

    private void SaveCheckpoint()
    {
        var dir = CheckpointFolders.PathFor(_o.OutputDir, _state.GlobalStep);
        if (_state.BestGlobalStep is { } best)
        {
            var bestDir = Path.GetFullPath(CheckpointFolders.PathFor(_o.OutputDir, best));
            if (best == _state.GlobalStep || Directory.Exists(bestDir))
            {
                _state.BestModelCheckpoint = bestDir;
            }
        }

        AtomicDirectory.Write(dir, tmp =>
        {
            CheckpointIO.Write(tmp, _model, _trainer.Tokenizer, _optimizer!, _schedule!, _schedulerStep, _o.Seed, _scaler, _state);
            new RunState(_runId, _totalLoss, _totalLossSteps).Write(tmp);
            foreach (var callback in _trainer.Callbacks)
            {
                callback.OnSave(tmp);
            }
        });
        var deleted = CheckpointFolders.Rotate(_o.OutputDir, _o.SaveTotalLimit, _state.BestModelCheckpoint, OwnsCheckpoint);
        _events.Write("save", _state.GlobalStep, _state.Epoch, text: new Dictionary<string, string>
        {
            ["checkpoint"] = Path.GetFullPath(dir),
            ["deleted"] = string.Join(";", deleted),
        });
    }

    private void Log(string eventName, SortedDictionary<string, double> values)
    {
        values["epoch"] = _state.Epoch;
        values["step"] = _state.GlobalStep;
        _state.LogHistory.Add(values);
        _events.Write(eventName, _state.GlobalStep, _state.Epoch, values.Where(kv => kv.Key is not ("epoch" or "step")).ToDictionary());

        // Trackers and the event files get the throughput too; log_history keeps HF's keys.
        var tracked = new SortedDictionary<string, double>(values, StringComparer.Ordinal);
        if (eventName == "log" && _watch.Elapsed.TotalSeconds > 0)
        {
            tracked["samples_per_second"] = _samplesThisRun / _watch.Elapsed.TotalSeconds;
        }

        _tensorBoard?.Scalars(tracked, _state.GlobalStep);
        var row = new TrainerLogRow(eventName, _state.GlobalStep, _state.Epoch, tracked);
        foreach (var callback in _trainer.Callbacks)
        {
            callback.OnLog(row);
        }
    }
}
