using System.Text.RegularExpressions;
using BertFineTune.Diagnostics;

namespace BertFineTune.Hub;

/// <summary>A Hub model id, <c>name</c> or <c>org/name</c>, checked against the Hub's naming rules.</summary>
public sealed partial record HubRepoId(string Value)
{
    /// <summary>The cache folder name, as huggingface_hub spells it: <c>models--org--name</c>.</summary>
    public string CacheFolderName => "models--" + Value.Replace("/", "--", StringComparison.Ordinal);

    public static bool IsValid(string id) => IdPattern().IsMatch(id) && !id.Contains("--", StringComparison.Ordinal) && !id.Contains("..", StringComparison.Ordinal);

    public static HubRepoId Parse(string id, string? key = "base_model.model_id") =>
        IsValid(id)
            ? new HubRepoId(id)
            : throw new UserErrorException(
                HubErrors.InvalidModelId,
                $"'{id}' is neither an existing folder nor a Hub model id (like 'bert-base-uncased' or 'org/name': letters, digits, '-', '_', '.'). Fix the path or the id.",
                key: key);

    public override string ToString() => Value;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,95}(/[A-Za-z0-9][A-Za-z0-9_.\-]{0,95})?$")]
    private static partial Regex IdPattern();
}
