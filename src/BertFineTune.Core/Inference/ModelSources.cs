using BertFineTune.Diagnostics;

namespace BertFineTune.Inference;

/// <summary>Turns the <c>--model</c> argument (a model folder or a Hub id) into an <see cref="IModelSource"/>.</summary>
public static partial class ModelSources
{
    /// <summary>The source for a model folder or Hub id, as <c>bertft predict/evaluate/serve --model</c> take it.</summary>
    /// <exception cref="UserErrorException">The argument names nothing loadable.</exception>
    public static IModelSource ForPathOrHubId(string pathOrHubId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrHubId);
        IModelSource? source = null;
        ResolvePretrained(pathOrHubId, ref source);
        return source ?? throw new UserErrorException(
            "BFT405",
            $"Cannot load '{pathOrHubId}': this build of bertft has no model loader compiled in. Use a build that includes the model architectures.");
    }

    /// <summary>
    /// The extension point for the Auto* loaders: a second part of this class implements it with
    /// <c>AutoModelForSequenceClassification.FromPretrained</c>, <c>AutoTokenizer.FromDirectory</c> and the Hub resolver,
    /// and sets <paramref name="source"/>. Left unimplemented, the call is compiled away.
    /// </summary>
    static partial void ResolvePretrained(string pathOrHubId, ref IModelSource? source);
}
