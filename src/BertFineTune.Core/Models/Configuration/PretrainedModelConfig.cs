using System.Text.Json.Nodes;

namespace BertFineTune.Models.Configuration;

/// <summary>
/// What every family's <c>config.json</c> has in common, read with HF field names. Family records add their own fields.
/// <see cref="Json"/> keeps the file as loaded so that <see cref="ToJson"/> preserves every field we do not model.
/// </summary>
public abstract record PretrainedModelConfig
{
    public required ConfigJson Json { get; init; }

    /// <summary><c>model_type</c>.</summary>
    public required string ModelType { get; init; }

    /// <summary>Label names in id order (<c>id2label</c>; HF's <c>LABEL_i</c> from <c>num_labels</c> when absent).</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary><c>problem_type</c>; null when the config does not say (HF then infers single-label from integer labels).</summary>
    public ProblemType? ProblemType { get; init; }

    public required int HiddenSize { get; init; }

    public required int NumHiddenLayers { get; init; }

    public required int NumAttentionHeads { get; init; }

    public required int VocabSize { get; init; }

    public required int MaxPositionEmbeddings { get; init; }

    public required int PadTokenId { get; init; }

    /// <summary><c>initializer_range</c>: the std of HF's normal init, used for freshly created heads.</summary>
    public required double InitializerRange { get; init; }

    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>
    /// The config.json to save: the loaded fields, with <c>model_type</c>, <c>architectures</c>, <c>id2label</c>/<c>label2id</c>
    /// (string keys), <c>problem_type</c> and <c>torch_dtype</c> set from this record.
    /// </summary>
    public JsonObject ToJson(string architecture)
    {
        var root = (JsonObject)Json.Root.DeepClone();
        root["model_type"] = ModelType;
        root["architectures"] = new JsonArray(architecture);
        var id2label = new JsonObject();
        var label2id = new JsonObject();
        for (var i = 0; i < Labels.Count; i++)
        {
            id2label[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Labels[i];
            label2id[Labels[i]] = i;
        }

        root["id2label"] = id2label;
        root["label2id"] = label2id;
        if (root.ContainsKey("num_labels"))
        {
            root["num_labels"] = Labels.Count;
        }

        if (ProblemType is { } problem)
        {
            root["problem_type"] = ProblemTypeNames.ToHf(problem);
        }

        root["torch_dtype"] = "float32";
        return root;
    }

    /// <summary>Reads <c>id2label</c> (or <c>num_labels</c>) and <c>problem_type</c>.</summary>
    protected static (IReadOnlyList<string> Labels, ProblemType? Problem) ReadClassification(ConfigJson json)
    {
        var labels = ReadLabels(json);
        var problemName = json.String("problem_type");
        ProblemType? problem = problemName is null ? null : ProblemTypeNames.FromHf(problemName)
            ?? throw json.Invalid("problem_type", $"is '{problemName}'; supported: single_label_classification, multi_label_classification");
        return (labels, problem);
    }

    private static IReadOnlyList<string> ReadLabels(ConfigJson json)
    {
        if (json.Root["id2label"] is JsonObject id2label && id2label.Count > 0)
        {
            var byId = new SortedDictionary<int, string>();
            foreach (var (key, value) in id2label)
            {
                if (!int.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ||
                    value?.GetValueKind() != System.Text.Json.JsonValueKind.String)
                {
                    throw json.Invalid("id2label", $"must map ids \"0\".. to label names; entry \"{key}\" is not that");
                }

                byId[id] = value.GetValue<string>();
            }

            if (byId.Keys.First() != 0 || byId.Keys.Last() != byId.Count - 1)
            {
                throw json.Invalid("id2label", $"must have the ids 0..{byId.Count - 1} without gaps");
            }

            return byId.Values.ToArray();
        }

        var count = json.Int("num_labels", 2);
        return Enumerable.Range(0, count).Select(i => $"LABEL_{i}").ToArray();
    }
}
