using System.ComponentModel;
using BertFineTune.Inference;
using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary>The options every command that runs a trained classifier over a file shares (<c>predict</c>, <c>evaluate</c>).</summary>
public class ClassifierSettings : CommandSettings
{
    [CommandOption("-m|--model <MODEL>", isRequired: true)]
    [Description("A model folder (HF format, e.g. <output_dir>/model) or a Hugging Face Hub id.")]
    public string Model { get; init; } = string.Empty;

    [CommandOption("-i|--input <FILE>", isRequired: true)]
    [Description("CSV, TSV, JSONL or XLSX; '-' reads CSV or JSON lines from standard input.")]
    public string Input { get; init; } = string.Empty;

    [CommandOption("--text-column <NAME>")]
    [Description("The column holding the text.")]
    [DefaultValue("text")]
    public string TextColumn { get; init; } = "text";

    [CommandOption("--text-pair-column <NAME>")]
    [Description("An optional column with a second segment per row (sentence pairs); empty cells mean none.")]
    public string? TextPairColumn { get; init; }

    [CommandOption("--batch-size <N>")]
    [Description("Texts per model run (batches are formed by sorted length; output keeps input order).")]
    [DefaultValue(64)]
    public int BatchSize { get; init; } = 64;

    [CommandOption("--max-length <N>")]
    [Description("Tokens per text after truncation (default: the model's limit).")]
    public int? MaxLength { get; init; }

    [CommandOption("--bf16")]
    [Description("Run the linear layers in bfloat16.")]
    public bool Bf16 { get; init; }

    [CommandOption("--threshold <P>")]
    [Description("Multi-label models: the probability a label needs to be predicted.")]
    [DefaultValue(0.5f)]
    public float Threshold { get; init; } = 0.5f;

    [CommandOption("--device <DEVICE>")]
    [Description("cpu, cuda or cuda:N.")]
    [DefaultValue("cpu")]
    public string Device { get; init; } = "cpu";

    public TextClassifierOptions ToClassifierOptions() => new()
    {
        MaxLength = MaxLength,
        BatchSize = BatchSize,
        UseBf16 = Bf16,
        MultiLabelThreshold = Threshold,
        Device = Device,
    };
}
