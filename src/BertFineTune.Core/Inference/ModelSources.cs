namespace BertFineTune.Inference;

/// <summary>Turns the <c>--model</c> argument (a model folder or a Hub id) into an <see cref="IModelSource"/>.</summary>
public static class ModelSources
{
    /// <summary>The source for a model folder or Hub id, as <c>bertft predict/evaluate/serve --model</c> take it.</summary>
    public static IModelSource ForPathOrHubId(string pathOrHubId, IProgress<string>? log = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrHubId);
        return new PretrainedModelSource(pathOrHubId, log);
    }
}
