using BertFineTune.Diagnostics;
using BertFineTune.Export.Onnx;
using BertFineTune.Models;
using BertFineTune.Native;
using BertFineTune.Text.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Inference;

/// <summary>
/// Classifies texts with a fine-tuned model: tokenizes, batches by sorted length, runs the model without gradients in
/// eval mode, and returns results in input order. Used by <c>bertft predict</c>, <c>evaluate</c> and <c>serve</c>.
/// </summary>
/// <remarks>
/// Thread-safe: any number of threads may call <c>PredictBatch</c> at once. Tokenization is serialized by one
/// lock (tokenizers need not be thread-safe) and model execution by another, per batch, so one caller's tokenization
/// overlaps another's forward pass and concurrent callers' batches interleave fairly. LibTorch parallelizes each
/// forward pass itself; running two at once would only contend for the same cores. To merge many small concurrent
/// requests into one forward pass, put a <see cref="MicroBatcher"/> in front. With
/// <see cref="InferenceRuntime.Onnx"/> the model runs on ONNX Runtime (<see cref="OnnxTextClassifier"/>): same outputs,
/// same order.
/// </remarks>
public sealed class TextClassifier : IDisposable
{
    private readonly SequenceClassificationModel? model;
    private readonly OnnxTextClassifier? onnx;
    private readonly ITextTokenizer tokenizer;
    private readonly TextClassifierOptions options;
    private readonly Device? device;
    private readonly bool leaveModelOpen;
    private readonly Lock tokenizerLock = new();
    private readonly Lock modelLock = new();
    private bool disposed;

    /// <summary>Wraps a loaded model. It is switched to eval mode, moved to the device, and given the linear compute type.</summary>
    /// <param name="model">The model; disposed with this classifier unless <paramref name="leaveModelOpen"/>.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="options">Batching, precision, threshold and device.</param>
    /// <param name="source">Where the model came from, for <c>GET /v1/model</c> and logs.</param>
    /// <param name="leaveModelOpen">Keep the model alive after <see cref="Dispose"/>.</param>
    /// <exception cref="UserErrorException">An option is out of range for this model.</exception>
    public TextClassifier(
        SequenceClassificationModel model,
        ITextTokenizer tokenizer,
        TextClassifierOptions options,
        string source = "in-memory model",
        bool leaveModelOpen = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(options);
        TorchNativeLoader.EnsureLoaded();
        ClassifierOptionChecks.ThrowIfInvalid(options.BatchSize, options.MaxLength, model.MaxSequenceLength, options.MultiLabelThreshold, model.Labels.Count, configFile: null);
        this.model = model;
        this.tokenizer = tokenizer;
        this.options = options;
        this.leaveModelOpen = leaveModelOpen;
        Source = source;
        MaxLength = options.MaxLength ?? model.MaxSequenceLength;
        device = ParseDevice(options.Device);
        model.to(device);
        model.eval();
        model.SetLinearComputeType(options.UseBf16 ? ScalarType.BFloat16 : null);
        model.Unpadded = options.Unpadded;
    }

    private TextClassifier(OnnxTextClassifier onnx, ITextTokenizer tokenizer, TextClassifierOptions options)
    {
        this.onnx = onnx;
        this.tokenizer = tokenizer;
        this.options = options;
        Source = onnx.Source;
        MaxLength = onnx.MaxLength;
    }

    /// <summary>Label names by id.</summary>
    public IReadOnlyList<string> Labels => onnx?.Labels ?? model!.Labels;

    /// <summary>Tokens per text after truncation, special tokens included.</summary>
    public int MaxLength { get; }

    public ProblemType ProblemType => onnx is null ? model!.ProblemType
        : onnx.IsMultiLabel ? ProblemType.MultiLabelClassification : ProblemType.SingleLabelClassification;

    /// <summary>config.json's <c>model_type</c>.</summary>
    public string ModelType => onnx?.ModelType ?? model!.ModelType;

    /// <summary>The architecture class name, as in config.json's <c>architectures</c> (the module's name).</summary>
    public string Architecture => onnx?.Architecture ?? model!.GetName();

    /// <summary>The runtime that executes the model.</summary>
    public InferenceRuntime Runtime => onnx is null ? InferenceRuntime.Torch : InferenceRuntime.Onnx;

    /// <summary>Where the model came from (folder, Hub id, or "in-memory model").</summary>
    public string Source { get; }

    public TextClassifierOptions Options => options;

    /// <summary>Loads a model folder or Hub id, as <c>--model</c> takes it.</summary>
    /// <exception cref="UserErrorException">The model cannot be found or read, or an option does not fit it.</exception>
    public static TextClassifier Load(string pathOrHubId, TextClassifierOptions options, CancellationToken cancellationToken = default) =>
        Load(ModelSources.ForPathOrHubId(pathOrHubId), options, cancellationToken);

    /// <summary>Loads from any source; the classifier owns (and disposes) the loaded model.</summary>
    /// <remarks>
    /// <see cref="TextClassifierOptions.Runtime"/> null picks ONNX for a folder written by <c>bertft export onnx</c>
    /// (model.onnx and no PyTorch weights) and TorchSharp otherwise. ONNX on an HF folder exports the graph in memory first.
    /// </remarks>
    public static TextClassifier Load(IModelSource source, TextClassifierOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        if (source is PretrainedModelSource pretrained)
        {
            var directory = pretrained.ResolveDirectory(cancellationToken);
            var exported = File.Exists(Path.Combine(directory, OnnxExporter.ModelFile));
            var hasWeights = HasTorchWeights(directory);
            var runtime = options.Runtime ?? (exported && !hasWeights ? InferenceRuntime.Onnx : InferenceRuntime.Torch);
            if (runtime == InferenceRuntime.Onnx)
            {
                return LoadOnnx(directory, exported, options, cancellationToken);
            }

            if (exported && !hasWeights)
            {
                throw new UserErrorException("BFT407", "This folder holds an ONNX export (model.onnx) and no PyTorch weights; run it with --runtime onnx.", directory, key: "--runtime");
            }
        }
        else if (options.Runtime == InferenceRuntime.Onnx)
        {
            throw new UserErrorException("BFT407", "The ONNX runtime needs a model folder (an export, or an HF folder to export from); this model is only in memory.", key: "--runtime");
        }

        var loaded = source.Load(cancellationToken);
        try
        {
            return new TextClassifier(loaded.Model, loaded.Tokenizer, options, loaded.Source);
        }
        catch
        {
            loaded.Model.Dispose();
            throw;
        }
    }

    private static bool HasTorchWeights(string directory) =>
        new[] { Models.Weights.CheckpointFiles.Safetensors, Models.Weights.CheckpointFiles.SafetensorsIndex, Models.Weights.CheckpointFiles.PytorchBin, Models.Weights.CheckpointFiles.PytorchBinIndex }
            .Any(file => File.Exists(Path.Combine(directory, file)));

    private static TextClassifier LoadOnnx(string directory, bool exported, TextClassifierOptions options, CancellationToken cancellationToken)
    {
        var errors = new List<UserError>();
        if (options.UseBf16)
        {
            errors.Add(new UserError("BFT407", "--bf16 applies to the torch runtime; for a faster ONNX model export it with --quantize int8.", Key: "--bf16"));
        }

        if (!string.Equals(options.Device, "cpu", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new UserError("BFT407", $"The ONNX runtime runs on the CPU; device '{options.Device}' needs --runtime torch.", Key: "--device"));
        }

        if (errors.Count > 0)
        {
            throw new UserErrorException(errors);
        }

        var onnxOptions = new OnnxClassifierOptions
        {
            MaxLength = options.MaxLength,
            BatchSize = options.BatchSize,
            MultiLabelThreshold = options.MultiLabelThreshold,
            SpinBetweenRuns = options.OnnxSpinBetweenRuns,
        };
        var classifier = exported
            ? OnnxTextClassifier.Load(directory, onnxOptions)
            : OnnxTextClassifier.FromModelBytes(OnnxExporter.ExportToMemory(directory, new OnnxExportOptions(), cancellationToken), directory, onnxOptions);
        try
        {
            return new TextClassifier(classifier, AutoTokenizer.FromDirectory(directory), options);
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }

    /// <summary>Classifies one text.</summary>
    public TextPrediction Predict(string text) => PredictBatch([text])[0];

    /// <summary>Classifies texts; results are in input order whatever order the batches ran in.</summary>
    public IReadOnlyList<TextPrediction> PredictBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        PredictBatch(texts, progress: null, cancellationToken);

    /// <summary>Classifies texts, reporting after each batch (for long files in <c>predict</c> and <c>evaluate</c>).</summary>
    public IReadOnlyList<TextPrediction> PredictBatch(IReadOnlyList<string> texts, IProgress<InferenceProgress>? progress, CancellationToken cancellationToken = default) =>
        PredictBatch(texts, pairs: null, progress, cancellationToken);

    /// <summary>Classifies texts with optional second segments, reporting after each batch.</summary>
    public IReadOnlyList<TextPrediction> PredictBatch(IReadOnlyList<string> texts, IReadOnlyList<string?>? pairs, IProgress<InferenceProgress>? progress, CancellationToken cancellationToken = default) =>
        PredictLogits(texts, pairs, progress, cancellationToken).Select(ToPrediction).ToArray();

    /// <summary>The raw logits <c>[texts, labels]</c>, in input order (for <c>bertft predict --logits</c>).</summary>
    public IReadOnlyList<float[]> PredictLogits(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        PredictLogits(texts, progress: null, cancellationToken);

    /// <summary>The raw logits <c>[texts, labels]</c>, in input order, reporting after each batch.</summary>
    public IReadOnlyList<float[]> PredictLogits(IReadOnlyList<string> texts, IProgress<InferenceProgress>? progress, CancellationToken cancellationToken = default) =>
        PredictLogits(texts, pairs: null, progress, cancellationToken);

    /// <summary>
    /// The raw logits for texts with optional second segments (<c>tokenizer(text, text_pair)</c> in transformers);
    /// a null or empty pair means a single segment.
    /// </summary>
    public IReadOnlyList<float[]> PredictLogits(IReadOnlyList<string> texts, IReadOnlyList<string?>? pairs, IProgress<InferenceProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (pairs is not null && pairs.Count != texts.Count)
        {
            throw new ArgumentException($"{pairs.Count} pairs for {texts.Count} texts.", nameof(pairs));
        }

        ObjectDisposedException.ThrowIf(disposed, this);
        if (onnx is not null)
        {
            return onnx.PredictLogits(texts, pairs, progress, cancellationToken);
        }

        if (texts.Count == 0)
        {
            return [];
        }

        var encodings = Tokenize(texts, pairs);
        return LengthSortedBatches.Classify(encodings, options.BatchSize, Forward, progress, cancellationToken);
    }

    public void Dispose()
    {
        lock (modelLock)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            onnx?.Dispose();
            if (!leaveModelOpen)
            {
                model?.Dispose();
            }
        }
    }

    private TokenizedText[] Tokenize(IReadOnlyList<string> texts, IReadOnlyList<string?>? pairs)
    {
        lock (tokenizerLock)
        {
            return TextBatchEncoder.Encode(tokenizer, texts, pairs, MaxLength);
        }
    }

    private float[][] Forward(TokenizedText[] batch)
    {
        lock (modelLock)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            // Grad mode and dispose scopes are per thread in TorchSharp; both are set on the thread that runs the model.
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var inputs = new BatchCollator(tokenizer.PadTokenId, model!.UsesTokenTypeIds).Collate(batch).To(device!);
            var logits = model.forward(inputs).to(ScalarType.Float32).cpu().contiguous();
            var labels = (int)logits.shape[1];
            var flat = logits.data<float>().ToArray();
            return Enumerable.Range(0, batch.Length).Select(row => flat.AsSpan(row * labels, labels).ToArray()).ToArray();
        }
    }

    private TextPrediction ToPrediction(float[] logits) =>
        Predictions.FromLogits(logits, Labels, ProblemType == ProblemType.MultiLabelClassification, options.MultiLabelThreshold);

    private static Device ParseDevice(string name)
    {
        Device parsed;
        try
        {
            parsed = torch.device(name);
        }
        catch (ArgumentException)
        {
            throw new UserErrorException("BFT406", $"Unknown device '{name}'. Use cpu, cuda or cuda:N.", key: "--device");
        }

        if (parsed.type == DeviceType.CUDA && !torch.cuda.is_available())
        {
            throw new UserErrorException("BFT406", $"Device '{name}' was asked for, but CUDA is not available in this build or on this machine. Use --device cpu.", key: "--device");
        }

        return parsed;
    }
}
