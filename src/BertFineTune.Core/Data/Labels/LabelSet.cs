using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BertFineTune.Diagnostics;
using BertFineTune.Models;

namespace BertFineTune.Data.Labels;

/// <summary>
/// The label vocabulary: ids 0..k-1 in sorted order of the distinct label names. Names sort numerically when every
/// name is a number (<c>2</c> before <c>10</c>), otherwise ordinally, so the same labels get the same ids everywhere.
/// Saved as <c>labels.json</c> (<c>id2label</c>, <c>label2id</c>), the same maps HF's config.json carries.
/// </summary>
public sealed class LabelSet
{
    private readonly Dictionary<string, int> _ids;

    private LabelSet(IReadOnlyList<string> names, ProblemType problemType)
    {
        Names = names;
        ProblemType = problemType;
        _ids = names.Select((name, id) => (name, id)).ToDictionary(x => x.name, x => x.id, StringComparer.Ordinal);
    }

    /// <summary>Label names by id.</summary>
    public IReadOnlyList<string> Names { get; }

    public ProblemType ProblemType { get; }

    public int Count => Names.Count;

    public IReadOnlyDictionary<string, int> LabelToId => _ids;

    /// <summary>Encodes the distinct names of <paramref name="labels"/> (duplicates allowed) into sorted ids.</summary>
    public static LabelSet Create(IEnumerable<string> labels, ProblemType problemType = ProblemType.SingleLabelClassification)
    {
        var distinct = labels.Distinct(StringComparer.Ordinal).ToList();
        var numbers = distinct.Select(n => (n, ok: double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out var v), v)).ToList();
        var sorted = numbers.TrueForAll(x => x.ok)
            ? numbers.OrderBy(x => x.v).ThenBy(x => x.n, StringComparer.Ordinal).Select(x => x.n).ToArray()
            : distinct.Order(StringComparer.Ordinal).ToArray();
        return new LabelSet(sorted, problemType);
    }

    public int IdOf(string label) => _ids[label];

    public bool TryGetId(string label, out int id) => _ids.TryGetValue(label, out id);

    public string NameOf(int id) => Names[id];

    /// <summary>The <c>labels.json</c> content.</summary>
    public string ToJson()
    {
        var id2label = new JsonObject();
        var label2id = new JsonObject();
        for (var id = 0; id < Names.Count; id++)
        {
            id2label[id.ToString(CultureInfo.InvariantCulture)] = Names[id];
            label2id[Names[id]] = id;
        }

        var root = new JsonObject
        {
            ["problem_type"] = ProblemType == ProblemType.MultiLabelClassification ? "multi_label_classification" : "single_label_classification",
            ["num_labels"] = Names.Count,
            ["id2label"] = id2label,
            ["label2id"] = label2id,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>Reads a <c>labels.json</c> written by <see cref="ToJson"/> (or any file with an <c>id2label</c> object).</summary>
    public static LabelSet FromJson(string json, string source)
    {
        try
        {
            var root = JsonNode.Parse(json)?.AsObject() ?? throw new FormatException("the file is empty");
            var map = root["id2label"]?.AsObject() ?? throw new FormatException("it has no \"id2label\" object");
            var names = new string[map.Count];
            foreach (var (key, value) in map)
            {
                if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id >= names.Length || names[id] is not null)
                {
                    throw new FormatException($"the id2label key \"{key}\" is not one of the ids 0..{names.Length - 1}");
                }

                names[id] = value?.GetValue<string>() ?? throw new FormatException($"label {key} is null");
            }

            var problem = root["problem_type"]?.GetValue<string>() == "multi_label_classification"
                ? ProblemType.MultiLabelClassification
                : ProblemType.SingleLabelClassification;
            return new LabelSet(names, problem);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new UserErrorException(DataErrorCodes.InvalidLabelsFile, $"'{source}' is not a valid labels.json: {e.Message}.", source);
        }
    }

    public static async Task<LabelSet> ReadAsync(string path, CancellationToken cancellationToken = default) =>
        FromJson(await File.ReadAllTextAsync(path, cancellationToken), path);
}
