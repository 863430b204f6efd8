using System.ComponentModel;
using System.Text;
using BertFineTune.Cli.Infrastructure;
using BertFineTune.Inference;
using BertFineTune.Pipelines;
using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary><c>bertft predict</c>: classify every row of a file; writes the rows plus predictions as CSV.</summary>
public sealed class PredictCommand : AsyncCommand<PredictCommand.Settings>
{
    public sealed class Settings : ClassifierSettings
    {
        [CommandOption("-o|--output <FILE>")]
        [Description("The CSV to write; '-' (the default) is standard output.")]
        [DefaultValue("-")]
        public string Output { get; init; } = "-";

        [CommandOption("--logits")]
        [Description("Also write the raw logits, one logit_<label> column per label.")]
        public bool Logits { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var input = await InputTable.ReadAsync(settings.Input, settings.TextColumn, null, Console.In, cancellationToken, settings.TextPairColumn);
        using var classifier = TextClassifier.Load(ModelSources.ForPathOrHubId(settings.Model, new Progress<string>(Console.Error.WriteLine)), settings.ToClassifierOptions(), cancellationToken);
        if (settings.Output == "-")
        {
            await PredictPipeline.WriteAsync(classifier, input, Console.Out, settings.Logits, null, cancellationToken);
            return ExitCodes.Ok;
        }

        // Written next to the target and renamed, so an interrupted run never leaves half a file.
        var target = Path.GetFullPath(settings.Output);
        var temp = $"{target}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false)))
            {
                await PredictPipeline.WriteAsync(classifier, input, writer, settings.Logits, null, cancellationToken);
            }

            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        Console.Error.WriteLine($"wrote {input.Rows.Count} predictions to {target}");
        return ExitCodes.Ok;
    }
}
