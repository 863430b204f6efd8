using System.Text.Json;
using System.Text.Json.Nodes;
using BertFineTune.Diagnostics;
using BertFineTune.Hub;
using BertFineTune.IO;
using BertFineTune.Models;
using BertFineTune.Models.Configuration;
using BertFineTune.Onnx.Proto;
using BertFineTune.Text.Tokenization;
using Google.Protobuf;
using TorchSharp;

namespace BertFineTune.Export.Onnx;

/// <summary>
/// <c>bertft export onnx</c>: builds an ONNX graph from a fine-tuned classifier's module tree and weights (no tracing,
/// no Python) and writes a self-describing folder: <c>model.onnx</c> (inputs <c>input_ids</c>, <c>attention_mask</c>
/// and, for BERT, <c>token_type_ids</c>, all int64 <c>[batch, sequence]</c>; output float <c>logits [batch, labels]</c>),
/// <c>config.json</c> (labels, problem type, and an <c>onnx</c> section) and the tokenizer files.
/// </summary>
public static class OnnxExporter
{
    public const string ModelFile = "model.onnx";

    /// <summary>The architectures (config.json <c>architectures</c>) we export.</summary>
    public static IReadOnlyList<string> SupportedArchitectures { get; } =
    [
        "BertForSequenceClassification",
        "DistilBertForSequenceClassification",
        "RobertaForSequenceClassification",
        "XLMRobertaForSequenceClassification",
        "ModernBertForSequenceClassification",
    ];

    /// <summary>Exports a model folder or Hub id (resolved like <c>--model</c> everywhere else).</summary>
    public static async Task<OnnxExportResult> ExportAsync(string modelPathOrHubId, string outputDirectory, OnnxExportOptions options, IProgress<string>? log, CancellationToken cancellationToken)
    {
        ValidateOptions(options);
        var directory = Directory.Exists(modelPathOrHubId)
            ? Path.GetFullPath(modelPathOrHubId)
            : (await new ModelResolver().ResolveAsync(modelPathOrHubId, "main", HubCache.DefaultRoot(), Environment.GetEnvironmentVariable("HF_TOKEN"), cancellationToken)).Directory;
        var output = Path.GetFullPath(outputDirectory);
        CheckOutput(directory, output);
        log?.Report($"model: {directory}");

        var (bytes, result) = BuildModel(directory, options, cancellationToken);
        Directory.CreateDirectory(output);
        var tokenizer = AutoTokenizer.FromDirectory(directory);
        tokenizer.Save(output);
        await AtomicFile.WriteAllTextAsync(Path.Combine(output, "config.json"), result.Config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken);
        await AtomicFile.WriteAllBytesAsync(Path.Combine(output, ModelFile), bytes, cancellationToken);
        return result.Summary with { OutputDirectory = output, ModelBytes = bytes.Length };
    }

    /// <summary>The ONNX bytes of a model folder, without writing anything (for <c>--runtime onnx</c> on an HF folder).</summary>
    public static byte[] ExportToMemory(string modelDirectory, OnnxExportOptions options, CancellationToken cancellationToken = default)
    {
        ValidateOptions(options);
        return BuildModel(modelDirectory, options, cancellationToken).Bytes;
    }

    private static (byte[] Bytes, (OnnxExportResult Summary, JsonObject Config) Result) BuildModel(string directory, OnnxExportOptions options, CancellationToken cancellationToken)
    {
        var json = ConfigJson.Load(directory);
        var architecture = CheckArchitecture(json);
        var (model, report) = AutoModelForSequenceClassification.FromPretrained(directory, ModelLoadOptions.Default);
        using (model)
        {
            if (report.Head != HeadSource.Checkpoint)
            {
                throw new UserErrorException(
                    ExportErrors.UnsupportedModel,
                    $"The folder's weights have no trained classification head ({string.Join(", ", report.FreshParameters.Take(4))} missing): it is not a fine-tuned sequence classifier. Train it first (bertft train), then export the model/ folder.",
                    json.File);
            }

            cancellationToken.ThrowIfCancellationRequested();
            var classifier = (HfSequenceClassifier)model;
            var weights = ReadWeights(classifier);
            var graph = new OnnxGraphBuilder(architecture);
            var ops = new GraphOps(graph, weights, options);
            var inputs = new GraphInputs(
                graph.Input("input_ids", TensorProto.Types.DataType.Int64, "batch", "sequence"),
                graph.Input("attention_mask", TensorProto.Types.DataType.Int64, "batch", "sequence"),
                classifier.UsesTokenTypeIds ? graph.Input("token_type_ids", TensorProto.Types.DataType.Int64, "batch", "sequence") : null);
            var logits = classifier.PretrainedConfig switch
            {
                BertConfig { ModelType: "bert" } bert => BertFamilyGraphs.Bert(ops, inputs, bert),
                BertConfig roberta => BertFamilyGraphs.Roberta(ops, inputs, roberta),
                DistilBertConfig distil => BertFamilyGraphs.DistilBert(ops, inputs, distil),
                ModernBertConfig modern => ModernBertGraph.Build(ops, inputs, modern),
                _ => throw new InvalidOperationException($"No ONNX graph for {classifier.PretrainedConfig.GetType().Name}."),
            };
            graph.Output(graph.RenameOutput(logits, "logits"), TensorProto.Types.DataType.Float, "batch", classifier.Labels.Count);

            var proto = new ModelProto
            {
                IrVersion = options.Opset >= 15 ? 8 : 7,
                ProducerName = "bertft",
                ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString(3) ?? "0",
                DocString = $"{architecture} exported by bertft from {Path.GetFileName(directory)}",
                Graph = graph.Graph,
            };
            proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = options.Opset });
            if (graph.Graph.Node.Any(n => n.Domain == GraphOps.MicrosoftDomain))
            {
                proto.OpsetImport.Add(new OperatorSetIdProto { Domain = GraphOps.MicrosoftDomain, Version = 1 });
            }

            proto.MetadataProps.Add(new StringStringEntryProto { Key = "labels", Value = string.Join("\n", classifier.Labels) });
            var bytes = proto.ToByteArray();

            var config = classifier.PretrainedConfig.ToJson(classifier.Architecture);
            config["onnx"] = new JsonObject
            {
                ["file"] = ModelFile,
                ["opset"] = options.Opset,
                ["quantization"] = options.Quantize == OnnxQuantization.Int8 ? "int8" : "none",
                ["inputs"] = new JsonArray([.. graph.Graph.Input.Select(i => JsonValue.Create(i.Name))]),
                ["max_sequence_length"] = classifier.MaxSequenceLength,
                ["exported_by"] = $"bertft {proto.ProducerVersion}",
            };
            var summary = new OnnxExportResult(directory, classifier.Architecture, classifier.Labels, [.. graph.Graph.Input.Select(i => i.Name)], bytes.Length, graph.Graph.Node.Count, options);
            return (bytes, (summary, config));
        }
    }

    private static string CheckArchitecture(ConfigJson json)
    {
        var architectures = json.Root["architectures"] as JsonArray;
        var architecture = architectures?.Count > 0 && architectures[0] is JsonValue v && v.TryGetValue<string>(out var name) ? name : null;
        var modelType = json.String("model_type");
        if (architecture is null || !SupportedArchitectures.Contains(architecture) || !AutoModelForSequenceClassification.SupportedModelTypes.Contains(modelType ?? string.Empty))
        {
            throw new UserErrorException(
                ExportErrors.UnsupportedModel,
                $"Cannot export '{architecture ?? "(no architectures)"}' (model_type '{modelType ?? "none"}'): only fine-tuned sequence classifiers of these architectures are exported: {string.Join(", ", SupportedArchitectures)}.",
                json.File,
                key: "architectures");
        }

        return architecture;
    }

    private static ExportedWeights ReadWeights(HfSequenceClassifier model)
    {
        var tensors = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var scope = torch.NewDisposeScope();
            var values = parameter.detach().cpu().to(torch.ScalarType.Float32).contiguous().data<float>().ToArray();
            tensors[name] = new WeightTensor([.. parameter.shape], values);
        }

        return new ExportedWeights(tensors);
    }

    private static void ValidateOptions(OnnxExportOptions options)
    {
        if (options.Opset is < OnnxExportOptions.MinOpset or > OnnxExportOptions.MaxOpset)
        {
            throw new UserErrorException(ExportErrors.InvalidOption, $"--opset must be between {OnnxExportOptions.MinOpset} and {OnnxExportOptions.MaxOpset} (got {options.Opset}).", key: "--opset");
        }
    }

    // Never overwrite user data: the output must be new, empty, or a folder we exported to before.
    private static void CheckOutput(string modelDirectory, string output)
    {
        if (string.Equals(Path.TrimEndingDirectorySeparator(modelDirectory), Path.TrimEndingDirectorySeparator(output), StringComparison.Ordinal))
        {
            throw new UserErrorException(ExportErrors.OutputNotEmpty, "The output folder is the model folder itself; its config.json and tokenizer files would be replaced. Choose another --output.", output, key: "--output");
        }

        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() && !File.Exists(Path.Combine(output, ModelFile)))
        {
            throw new UserErrorException(ExportErrors.OutputNotEmpty, "The output folder already holds files and no model.onnx; export into a new or empty folder (or one you exported to before).", output, key: "--output");
        }
    }
}
