using BertFineTune.Diagnostics;
using BertFineTune.Text.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace BertFineTune.Inference;

/// <summary>
/// Classifies texts with a model exported by <c>bertft export onnx</c>, on ONNX Runtime: tokenizes (the folder's own
/// tokenizer, as Hugging Face's), batches by sorted length, runs <c>model.onnx</c>, and returns results in input order.
/// </summary>
/// <remarks>
/// Thread-safe: any number of threads may call the Predict methods at once. Tokenization is serialized by a lock
/// (tokenizers need not be thread-safe); ONNX Runtime sessions run concurrently by design.
/// </remarks>
public sealed class OnnxTextClassifier : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly ITextTokenizer _tokenizer;
    private readonly Lock _tokenizerLock = new();
    private readonly bool _feedsTokenTypes;
    private bool _disposed;

    private OnnxTextClassifier(InferenceSession session, ITextTokenizer tokenizer, ExportedModelConfig config, OnnxClassifierOptions options, string source)
    {
        _session = session;
        _tokenizer = tokenizer;
        Options = options;
        Source = source;
        Labels = config.Labels;
        IsMultiLabel = config.MultiLabel;
        ModelType = config.ModelType;
        Architecture = config.Architecture;
        MaxLength = options.MaxLength ?? config.MaxSequenceLength;
        _feedsTokenTypes = session.InputMetadata.ContainsKey("token_type_ids");
    }

    /// <summary>Label names by id (config.json <c>id2label</c>), in logit order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>True for <c>multi_label_classification</c> models (sigmoid and threshold), false for softmax ones.</summary>
    public bool IsMultiLabel { get; }

    /// <summary>config.json's <c>model_type</c>.</summary>
    public string ModelType { get; }

    /// <summary>config.json's <c>architectures[0]</c>, e.g. <c>BertForSequenceClassification</c>.</summary>
    public string Architecture { get; }

    /// <summary>Tokens per text after truncation, special tokens included.</summary>
    public int MaxLength { get; }

    /// <summary>The folder the model came from.</summary>
    public string Source { get; }

    public OnnxClassifierOptions Options { get; }

    /// <summary>Loads an exported folder: model.onnx, config.json and the tokenizer files.</summary>
    /// <exception cref="UserErrorException">A file is missing or unreadable, the graph does not fit config.json, or an option is out of range.</exception>
    public static OnnxTextClassifier Load(string directory, OnnxClassifierOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var path = Path.Combine(directory, "model.onnx");
        if (!File.Exists(path))
        {
            throw new UserErrorException(InferenceErrors.OnnxMissing, "There is no model.onnx in this folder. Export the model first: bertft export onnx --model <model folder> --output <folder>.", Path.GetFullPath(directory));
        }

        return Create(directory, options ?? new OnnxClassifierOptions(), path, so => new InferenceSession(path, so));
    }

    /// <summary>Runs an ONNX graph held in memory with the config.json and tokenizer of <paramref name="directory"/>.</summary>
    public static OnnxTextClassifier FromModelBytes(byte[] model, string directory, OnnxClassifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Create(directory, options ?? new OnnxClassifierOptions(), Path.Combine(directory, "model.onnx (in memory)"), so => new InferenceSession(model, so));
    }

    /// <summary>Classifies one text (or a sentence pair).</summary>
    public TextPrediction Predict(string text, string? textPair = null) =>
        PredictBatch([text], textPair is null ? null : [textPair])[0];

    /// <summary>Classifies texts (with optional second segments); results are in input order.</summary>
    public IReadOnlyList<TextPrediction> PredictBatch(IReadOnlyList<string> texts, IReadOnlyList<string?>? pairs = null, IProgress<InferenceProgress>? progress = null, CancellationToken cancellationToken = default) =>
        [.. PredictLogits(texts, pairs, progress, cancellationToken).Select(l => Predictions.FromLogits(l, Labels, IsMultiLabel, Options.MultiLabelThreshold))];

    /// <summary>The raw logits <c>[texts, labels]</c> in input order; a null or empty pair means a single segment.</summary>
    public IReadOnlyList<float[]> PredictLogits(IReadOnlyList<string> texts, IReadOnlyList<string?>? pairs = null, IProgress<InferenceProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (pairs is not null && pairs.Count != texts.Count)
        {
            throw new ArgumentException($"{pairs.Count} pairs for {texts.Count} texts.", nameof(pairs));
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        if (texts.Count == 0)
        {
            return [];
        }

        var encodings = Tokenize(texts, pairs);
        return LengthSortedBatches.Classify(encodings, Options.BatchSize, Run, progress, cancellationToken);
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _session.Dispose();
            _runOptions.Dispose();
        }
    }

    private static OnnxTextClassifier Create(string directory, OnnxClassifierOptions options, string modelName, Func<SessionOptions, InferenceSession> open)
    {
        var config = ExportedModelConfig.Read(directory);
        var tokenizer = AutoTokenizer.FromDirectory(directory);
        ClassifierOptionChecks.ThrowIfInvalid(options.BatchSize, options.MaxLength, config.MaxSequenceLength, options.MultiLabelThreshold, config.Labels.Count, config.File);
        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (options.IntraOpThreads is int threads)
        {
            sessionOptions.IntraOpNumThreads = threads;
        }

        if (!options.SpinBetweenRuns)
        {
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        }

        if (options.OptimizedModelPath is { } optimized)
        {
            sessionOptions.OptimizedModelFilePath = optimized;
        }

        InferenceSession session;
        try
        {
            session = open(sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new UserErrorException(InferenceErrors.OnnxUnreadable, $"ONNX Runtime cannot load this model ({FirstLine(e.Message)}). The file is truncated, damaged or not an ONNX model; export it again with bertft export onnx.", modelName);
        }

        try
        {
            CheckContract(session, config, modelName);
            return new OnnxTextClassifier(session, tokenizer, config, options, Path.GetFullPath(directory));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static void CheckContract(InferenceSession session, ExportedModelConfig config, string modelName)
    {
        string[] known = ["input_ids", "attention_mask", "token_type_ids"];
        var inputs = session.InputMetadata.Keys.ToArray();
        if (!inputs.Contains("input_ids") || !inputs.Contains("attention_mask") || inputs.Any(i => !known.Contains(i)))
        {
            throw new UserErrorException(InferenceErrors.OnnxContract, $"The graph's inputs are {string.Join(", ", inputs)}; a classifier needs input_ids and attention_mask (and optionally token_type_ids).", modelName);
        }

        if (!session.OutputMetadata.TryGetValue("logits", out var logits) || logits.Dimensions.Length != 2)
        {
            throw new UserErrorException(InferenceErrors.OnnxContract, $"The graph has no 2-D output 'logits' (outputs: {string.Join(", ", session.OutputMetadata.Keys)}).", modelName);
        }

        if (logits.Dimensions[1] > 0 && logits.Dimensions[1] != config.Labels.Count)
        {
            throw new UserErrorException(
                InferenceErrors.OnnxContract,
                $"config.json names {config.Labels.Count} labels ({string.Join(", ", config.Labels.Take(10))}) but model.onnx gives {logits.Dimensions[1]} logits per text. The config does not belong to this model: export the folder again.",
                config.File,
                key: "id2label");
        }

    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    private TokenizedText[] Tokenize(IReadOnlyList<string> texts, IReadOnlyList<string?>? pairs)
    {
        lock (_tokenizerLock)
        {
            return TextBatchEncoder.Encode(_tokenizer, texts, pairs, MaxLength);
        }
    }

    // Right-padded int64 [batch, longest] inputs, as the exported graph (and ORT's fused attention) expects.
    private float[][] Run(TokenizedText[] batch)
    {
        var rows = batch.Length;
        var columns = batch.Max(e => e.Length);
        var ids = new long[rows * columns];
        var mask = new long[rows * columns];
        var types = new long[rows * columns];
        Array.Fill(ids, _tokenizer.PadTokenId);
        for (var r = 0; r < rows; r++)
        {
            var encoding = batch[r];
            for (var c = 0; c < encoding.Length; c++)
            {
                ids[(r * columns) + c] = encoding.InputIds[c];
                mask[(r * columns) + c] = 1;
                types[(r * columns) + c] = encoding.TokenTypeIds?[c] ?? 0;
            }
        }

        long[] shape = [rows, columns];
        var names = new List<string> { "input_ids", "attention_mask" };
        var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(ids, shape), OrtValue.CreateTensorValueFromMemory(mask, shape) };
        if (_feedsTokenTypes)
        {
            names.Add("token_type_ids");
            values.Add(OrtValue.CreateTensorValueFromMemory(types, shape));
        }

        try
        {
            using var outputs = _session.Run(_runOptions, names, values, ["logits"]);
            var logits = outputs[0].GetTensorDataAsSpan<float>();
            var labels = logits.Length / rows;
            var result = new float[rows][];
            for (var r = 0; r < rows; r++)
            {
                result[r] = logits.Slice(r * labels, labels).ToArray();
            }

            return result;
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }
}
