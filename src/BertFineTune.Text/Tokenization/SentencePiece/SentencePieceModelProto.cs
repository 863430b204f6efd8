using System.Text;

namespace BertFineTune.Text.Tokenization.SentencePiece;

/// <summary>The algorithm a SentencePiece model was trained with (<c>TrainerSpec.model_type</c>).</summary>
public enum SentencePieceAlgorithm
{
    Unigram = 1,
    Bpe = 2,
}

/// <summary>A piece's role (<c>ModelProto.SentencePiece.Type</c>).</summary>
public enum SentencePieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

/// <summary>One entry of the piece table: its text, score and role; its id is its index.</summary>
public readonly record struct SentencePieceEntry(string Piece, float Score, SentencePieceType Type);

/// <summary>
/// <c>NormalizerSpec</c>: the precompiled normalization rules (NFKC for <c>nmt_nfkc</c>; empty means none) and the
/// whitespace switches, with proto2's defaults.
/// </summary>
public sealed record SentencePieceNormalizerSpec(
    byte[] PrecompiledCharsmap,
    bool AddDummyPrefix = true,
    bool RemoveExtraWhitespaces = true,
    bool EscapeWhitespaces = true);

/// <summary>
/// The parts of SentencePiece's <c>ModelProto</c> (sentencepiece_model.proto) that our layer needs to know before the
/// library runs: the piece table and the algorithm. Reading the wire format ourselves also tells a corrupt or truncated
/// file apart from a valid one, which the library does not report clearly.
/// </summary>
public sealed class SentencePieceModelProto
{
    private SentencePieceModelProto(IReadOnlyList<SentencePieceEntry> pieces, SentencePieceAlgorithm algorithm, SentencePieceNormalizerSpec normalizer)
    {
        Pieces = pieces;
        Algorithm = algorithm;
        Normalizer = normalizer;
    }

    public IReadOnlyList<SentencePieceEntry> Pieces { get; }

    public SentencePieceAlgorithm Algorithm { get; }

    public SentencePieceNormalizerSpec Normalizer { get; }

    /// <summary>Parses <paramref name="bytes"/>; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static SentencePieceModelProto Parse(ReadOnlySpan<byte> bytes)
    {
        var pieces = new List<SentencePieceEntry>();
        var algorithm = SentencePieceAlgorithm.Unigram; // proto2 default of TrainerSpec.model_type
        var normalizer = new SentencePieceNormalizerSpec([]);
        var reader = new WireReader(bytes);
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.Tag();
            switch (field, wireType)
            {
                case (1, 2):
                    pieces.Add(ParsePiece(reader.Bytes()));
                    break;
                case (2, 2):
                    algorithm = ParseAlgorithm(reader.Bytes());
                    break;
                case (3, 2):
                    normalizer = ParseNormalizer(reader.Bytes());
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        if (pieces.Count == 0)
        {
            throw new FormatException("it holds no pieces");
        }

        return new SentencePieceModelProto(pieces, algorithm, normalizer);
    }

    /// <summary>
    /// Writes a <c>ModelProto</c> that the sentencepiece library (and Microsoft.ML.Tokenizers) reads: the pieces, the
    /// algorithm and special ids in <c>trainer_spec</c>, and the normalizer. Used to run a <c>tokenizer.json</c> Unigram
    /// model through the same code as a <c>.model</c> file.
    /// </summary>
    public static byte[] Write(
        IReadOnlyList<SentencePieceEntry> pieces,
        SentencePieceAlgorithm algorithm,
        SentencePieceNormalizerSpec normalizer,
        int unknownId,
        int bosId,
        int eosId,
        int padId)
    {
        var model = new WireWriter();
        foreach (var piece in pieces)
        {
            var entry = new WireWriter();
            entry.String(1, piece.Piece);
            entry.Float(2, piece.Score);
            entry.Varint(3, (ulong)piece.Type);
            model.Message(1, entry);
        }

        var trainer = new WireWriter();
        trainer.Varint(3, (ulong)algorithm);
        trainer.Varint(40, (ulong)unknownId);
        trainer.Varint(41, (ulong)bosId);
        trainer.Varint(42, (ulong)eosId);
        trainer.Varint(43, (ulong)padId);
        model.Message(2, trainer);

        var spec = new WireWriter();
        spec.Bytes(2, normalizer.PrecompiledCharsmap);
        spec.Varint(3, normalizer.AddDummyPrefix ? 1UL : 0UL);
        spec.Varint(4, normalizer.RemoveExtraWhitespaces ? 1UL : 0UL);
        spec.Varint(5, normalizer.EscapeWhitespaces ? 1UL : 0UL);
        model.Message(3, spec);
        return model.ToArray();
    }

    private static SentencePieceNormalizerSpec ParseNormalizer(ReadOnlySpan<byte> bytes)
    {
        var spec = new SentencePieceNormalizerSpec([]);
        var reader = new WireReader(bytes);
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.Tag();
            spec = (field, wireType) switch
            {
                (2, 2) => spec with { PrecompiledCharsmap = reader.Bytes().ToArray() },
                (3, 0) => spec with { AddDummyPrefix = reader.Varint() != 0 },
                (4, 0) => spec with { RemoveExtraWhitespaces = reader.Varint() != 0 },
                (5, 0) => spec with { EscapeWhitespaces = reader.Varint() != 0 },
                _ => Skipped(ref reader, wireType, spec),
            };
        }

        return spec;

        static SentencePieceNormalizerSpec Skipped(ref WireReader reader, int wireType, SentencePieceNormalizerSpec spec)
        {
            reader.Skip(wireType);
            return spec;
        }
    }

    private static SentencePieceEntry ParsePiece(ReadOnlySpan<byte> bytes)
    {
        string? piece = null;
        float score = 0;
        var type = SentencePieceType.Normal;
        var reader = new WireReader(bytes);
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.Tag();
            switch (field, wireType)
            {
                case (1, 2):
                    piece = Encoding.UTF8.GetString(reader.Bytes());
                    break;
                case (2, 5):
                    score = reader.Float();
                    break;
                case (3, 0):
                    var value = reader.Varint();
                    type = value is >= 1 and <= 6 ? (SentencePieceType)value : throw new FormatException($"a piece has the unknown type {value}");
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return new SentencePieceEntry(piece ?? throw new FormatException("a piece has no text"), score, type);
    }

    private static SentencePieceAlgorithm ParseAlgorithm(ReadOnlySpan<byte> trainerSpec)
    {
        var algorithm = SentencePieceAlgorithm.Unigram;
        var reader = new WireReader(trainerSpec);
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.Tag();
            if (field == 3 && wireType == 0)
            {
                var value = reader.Varint();
                algorithm = value switch
                {
                    1 => SentencePieceAlgorithm.Unigram,
                    2 => SentencePieceAlgorithm.Bpe,
                    3 => throw new FormatException("its model_type is WORD; only UNIGRAM and BPE models are supported"),
                    4 => throw new FormatException("its model_type is CHAR; only UNIGRAM and BPE models are supported"),
                    _ => throw new FormatException($"its model_type {value} is unknown"),
                };
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return algorithm;
    }

    /// <summary>Protocol-buffer wire format, write side: only the field kinds a ModelProto uses.</summary>
    private sealed class WireWriter
    {
        private readonly MemoryStream _stream = new();

        public void Varint(int field, ulong value)
        {
            Tag(field, 0);
            Raw(value);
        }

        public void Float(int field, float value)
        {
            Tag(field, 5);
            Span<byte> bytes = stackalloc byte[4];
            BitConverter.TryWriteBytes(bytes, value);
            _stream.Write(bytes);
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Bytes(int field, ReadOnlySpan<byte> value)
        {
            Tag(field, 2);
            Raw((ulong)value.Length);
            _stream.Write(value);
        }

        public void Message(int field, WireWriter message) => Bytes(field, message.ToArray());

        public byte[] ToArray() => _stream.ToArray();

        private void Tag(int field, int wireType) => Raw(((ulong)field << 3) | (uint)wireType);

        private void Raw(ulong value)
        {
            while (value >= 0x80)
            {
                _stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _stream.WriteByte((byte)value);
        }
    }

    /// <summary>Protocol-buffer wire format, read-only, with bounds checks that turn truncation into a message.</summary>
    private ref struct WireReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public readonly bool AtEnd => _position >= _data.Length;

        public (int Field, int WireType) Tag()
        {
            var tag = Varint();
            var field = (int)(tag >> 3);
            if (field <= 0)
            {
                throw new FormatException($"byte {_position} holds field number 0, which protocol buffers never use");
            }

            return (field, (int)(tag & 7));
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_position >= _data.Length)
                {
                    throw new FormatException("it ends in the middle of a number (truncated?)");
                }

                var b = _data[_position++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }

            throw new FormatException($"byte {_position} starts a number longer than 10 bytes");
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var length = Varint();
            if (length > (ulong)(_data.Length - _position))
            {
                throw new FormatException($"a field at byte {_position} claims {length} bytes, more than the file has left (truncated?)");
            }

            var slice = _data.Slice(_position, (int)length);
            _position += (int)length;
            return slice;
        }

        public float Float()
        {
            Need(4);
            var value = BitConverter.ToSingle(_data.Slice(_position, 4));
            _position += 4;
            return value;
        }

        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case 0:
                    Varint();
                    break;
                case 1:
                    Need(8);
                    _position += 8;
                    break;
                case 2:
                    Bytes();
                    break;
                case 5:
                    Need(4);
                    _position += 4;
                    break;
                default:
                    throw new FormatException($"byte {_position} holds wire type {wireType}, which SentencePiece models do not use");
            }
        }

        private void Need(int count)
        {
            if (_data.Length - _position < count)
            {
                throw new FormatException("it ends in the middle of a field (truncated?)");
            }
        }
    }
}
