using BertFineTune.Diagnostics;
using BertFineTune.Models.Configuration;
using BertFineTune.Models.Weights;
using BertFineTune.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Models;

/// <summary>transformers' <c>AutoModelForSequenceClassification</c>: picks the architecture from <c>model_type</c>.</summary>
public static class AutoModelForSequenceClassification
{
    /// <summary>The <c>model_type</c> values we build.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["bert", "distilbert", "roberta", "xlm-roberta", "modernbert", "electra", "deberta-v2"];

    /// <summary>
    /// Loads an HF model folder (config.json + model.safetensors / sharded index / pytorch_model.bin) as a classifier in
    /// eval mode. A missing head, or one with another label count than <see cref="ModelLoadOptions.Labels"/>, is created
    /// fresh and reported in <see cref="ModelLoadResult.Report"/>.
    /// </summary>
    /// <exception cref="UserErrorException">Unknown model_type, bad config, unreadable weights, or keys that do not fit.</exception>
    /// <remarks>
    /// The weights are read and copied on a thread that ends with the load (<see cref="ShortLivedThread"/>), so that the
    /// OpenMP workers the copies start do not outlive it and slow the training thread's own team.
    /// </remarks>
    public static ModelLoadResult FromPretrained(string directory, ModelLoadOptions options)
    {
        TorchNativeLoader.EnsureLoaded();
        return ShortLivedThread.Run(() => Load(directory, options));
    }

    private static ModelLoadResult Load(string directory, ModelLoadOptions options)
    {
        var json = ConfigJson.Load(directory);
        var modelType = json.String("model_type") ?? throw new UserErrorException(
            ModelErrors.UnknownModelType,
            $"config.json has no model_type. Supported: {string.Join(", ", SupportedModelTypes)}.",
            json.File,
            key: "model_type");

        var config = ParseConfig(json, modelType);
        var wanted = Validate(options.Labels, json.File) ?? config.Labels;
        var taskConfig = config with { Labels = wanted, ProblemType = options.ProblemType ?? config.ProblemType };
        var model = Create(taskConfig);
        try
        {
            model.AttentionImplementation = options.Attention;
            using var generator = options.Seed is { } seed ? new Generator((ulong)seed, torch.CPU) : null;
            using var checkpoint = CheckpointReader.Read(directory);
            var match = CheckpointMatcher.Apply(
                model,
                model,
                checkpoint,
                allowFreshHead: true,
                (name, parameter) => model.InitializeFresh(name, parameter, generator));
            model.eval();

            var head = match.Fresh.Count == 0 ? HeadSource.Checkpoint
                : checkpoint.Tensors.ContainsKey(model.LabelLayerWeight) && match.Fresh.Contains(model.LabelLayerWeight) ? HeadSource.CreatedForNewLabels
                : HeadSource.CreatedMissing;
            var report = new ModelLoadReport(
                Path.GetFullPath(directory),
                modelType,
                model.Architecture,
                checkpoint.Files,
                head,
                match.Fresh,
                match.Ignored,
                config.Labels,
                wanted);
            return new ModelLoadResult(model, report);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Parses config.json into the family's typed record.</summary>
    public static PretrainedModelConfig ParseConfig(ConfigJson json, string modelType) => modelType switch
    {
        "bert" or "roberta" or "xlm-roberta" => BertConfig.Parse(json, modelType),
        "distilbert" => DistilBertConfig.Parse(json),
        "modernbert" => ModernBertConfig.Parse(json),
        "electra" => ElectraConfig.Parse(json),
        "deberta-v2" => DebertaV2Config.Parse(json),
        "deberta" => throw new UserErrorException(
            ModelErrors.UnknownModelType,
            "model_type 'deberta' is DeBERTa v1 (microsoft/deberta-base and its fine-tunes), which is not supported. DeBERTa-v2 and -v3 (model_type 'deberta-v2', e.g. microsoft/deberta-v3-base) are; choose one of those. "
            + $"Supported model types: {string.Join(", ", SupportedModelTypes)}.",
            json.File,
            key: "model_type"),
        _ => throw new UserErrorException(
            ModelErrors.UnknownModelType,
            $"model_type '{modelType}' is not supported. Supported model types: {string.Join(", ", SupportedModelTypes)}.",
            json.File,
            key: "model_type"),
    };

    /// <summary>Builds the (unloaded) classifier for a parsed config.</summary>
    internal static HfSequenceClassifier Create(PretrainedModelConfig config) => config switch
    {
        BertConfig { ModelType: "bert" } bert => new BertForSequenceClassification(bert),
        BertConfig roberta => new RobertaForSequenceClassification(roberta),
        DistilBertConfig distil => new DistilBertForSequenceClassification(distil),
        ModernBertConfig modern => new ModernBertForSequenceClassification(modern),
        ElectraConfig electra => new ElectraForSequenceClassification(electra),
        DebertaV2Config deberta => new DebertaV2ForSequenceClassification(deberta),
        _ => throw new ArgumentOutOfRangeException(nameof(config), config.ModelType, "No architecture for this config."),
    };

    private static IReadOnlyList<string>? Validate(IReadOnlyList<string>? labels, string configFile)
    {
        if (labels is null)
        {
            return null;
        }

        if (labels.Count == 0)
        {
            throw new UserErrorException(ModelErrors.InvalidLabels, "the task has no labels; the data must name at least one label.", configFile);
        }

        var duplicates = labels.GroupBy(l => l, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            throw new UserErrorException(ModelErrors.InvalidLabels, $"the task's labels repeat: {string.Join(", ", duplicates)}. Each label must appear once.", configFile);
        }

        return labels.ToArray();
    }
}
