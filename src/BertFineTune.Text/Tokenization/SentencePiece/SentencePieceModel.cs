using BertFineTune.Diagnostics;
using Microsoft.ML.Tokenizers;

namespace BertFineTune.Text.Tokenization.SentencePiece;

/// <summary>
/// A SentencePiece model file (<c>spm.model</c>, <c>sentencepiece.bpe.model</c>) that encodes text to SentencePiece ids as
/// the <c>sentencepiece</c> library's <c>encode</c> does. Microsoft.ML.Tokenizers 2.0.1 runs the normalizer (the precompiled
/// NFKC charsmap, whitespace handling, dummy prefix) and the Unigram Viterbi or BPE merges; what it does not do, we do here:
/// like sentencepiece's Unigram model, a run of unknown characters becomes one unknown piece (<c>你好</c> → one
/// <c>&lt;unk&gt;</c>, not two), which changes ids and sequence lengths.
/// </summary>
public sealed class SentencePieceModel
{
    /// <summary>The error code of a SentencePiece model file that cannot be read.</summary>
    public const string UnreadableModelCode = "BFT206";

    private readonly SentencePieceTokenizer _tokenizer;
    private readonly Dictionary<string, int> _pieceIds;

    private SentencePieceModel(string fileName, byte[] bytes, SentencePieceModelProto proto, SentencePieceTokenizer tokenizer)
    {
        FileName = fileName;
        Bytes = bytes;
        Proto = proto;
        _tokenizer = tokenizer;
        _pieceIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < proto.Pieces.Count; i++)
        {
            _pieceIds.TryAdd(proto.Pieces[i].Piece, i);
        }

        UnknownId = Enumerable.Range(0, proto.Pieces.Count).FirstOrDefault(i => proto.Pieces[i].Type == SentencePieceType.Unknown, -1);
    }

    /// <summary>The file's name (e.g. <c>spm.model</c>), used when saving.</summary>
    public string FileName { get; }

    /// <summary>The file as read, so a saved model folder carries the identical model.</summary>
    public byte[] Bytes { get; }

    public SentencePieceModelProto Proto { get; }

    /// <summary>The number of pieces (ids <c>0 … PieceCount-1</c>).</summary>
    public int PieceCount => Proto.Pieces.Count;

    /// <summary>The id of the unknown piece.</summary>
    public int UnknownId { get; }

    /// <summary>Reads and checks a model file; any problem is a user error naming the file.</summary>
    public static SentencePieceModel Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserErrorException("BFT202", $"The SentencePiece model {Path.GetFileName(path)} is missing from the model folder. Download it with the rest of the model.", path);
        }

        return FromBytes(File.ReadAllBytes(path), Path.GetFileName(path), path);
    }

    /// <summary>Builds a model from the bytes of a <c>ModelProto</c>; <paramref name="source"/> names it in errors.</summary>
    public static SentencePieceModel FromBytes(byte[] bytes, string fileName, string source)
    {
        SentencePieceModelProto proto;
        try
        {
            proto = SentencePieceModelProto.Parse(bytes);
        }
        catch (FormatException e)
        {
            throw Unreadable(source, e.Message);
        }

        if (!proto.Pieces.Any(p => p.Type == SentencePieceType.Unknown))
        {
            throw Unreadable(source, "it has no unknown piece (<unk>)");
        }

        SentencePieceTokenizer tokenizer;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            tokenizer = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Unreadable(source, e.Message);
        }

        return new SentencePieceModel(fileName, bytes, proto, tokenizer);
    }

    /// <summary>The id of <paramref name="piece"/>, or null when the model has no such piece.</summary>
    public int? PieceToId(string piece) => _pieceIds.TryGetValue(piece, out var id) ? id : null;

    /// <summary><c>sp.encode(text)</c>: SentencePiece ids with their surface pieces (an unknown run keeps its text).</summary>
    public List<(int Id, string Piece)> Encode(string text)
    {
        var result = new List<(int Id, string Piece)>();
        if (text.Length == 0)
        {
            return result;
        }

        var mergeUnknownRuns = Proto.Algorithm == SentencePieceAlgorithm.Unigram;
        foreach (var token in _tokenizer.EncodeToTokens(text, out _, addBeginningOfSentence: false, addEndOfSentence: false))
        {
            if (mergeUnknownRuns && token.Id == UnknownId && result.Count > 0 && result[^1].Id == UnknownId)
            {
                result[^1] = (UnknownId, result[^1].Piece + token.Value);
            }
            else
            {
                result.Add((token.Id, token.Value));
            }
        }

        return result;
    }

    private static UserErrorException Unreadable(string source, string problem) => new(
        UnreadableModelCode,
        $"This is not a valid SentencePiece model: {problem}. Download the file again, or copy it from the original model.",
        source);
}
