using System.ComponentModel;
using BertFineTune.Inference;
using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary>The options every command that runs a trained classifier over a file shares (<c>predict</c>, <c>evaluate</c>).</summary>
public class ClassifierSettings : ModelSettings
{
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
    [DefaultValue(OnnxClassifierOptions.DefaultBatchSize)]
    public int BatchSize { get; init; } = OnnxClassifierOptions.DefaultBatchSize;

    public TextClassifierOptions ToClassifierOptions() => ToClassifierOptions(BatchSize);
}
