using System.Globalization;
using BertFineTune.Data;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace BertFineTune.Cli.Rendering;

/// <summary>
/// The console view of a <see cref="DataReport"/> (the same numbers as data_report.json): rows per file with drops by
/// reason, class counts per split, and text lengths. Warnings are not part of it; print <see cref="DataReport.Warnings"/>
/// with the usual error output so they keep their canonical form.
/// </summary>
public static class DataReportTable
{
    public static void Write(IAnsiConsole console, DataReport report) => console.Write(Render(report));

    public static IRenderable Render(DataReport report) => new Rows(
        Files(report),
        Classes(report),
        Lengths(report),
        new Markup(
            $"Rows read [bold]{N(report.RowsRead)}[/] = kept [bold]{N(report.RowsKept)}[/] + dropped [bold]{N(report.Dropped.Total)}[/]."
            + (report.TextsInMultipleSplits > 0
                ? $" [yellow]{N(report.TextsInMultipleSplits)} text(s) appear in more than one split[/] (set drop_duplicates: true to remove exact duplicates)."
                : " No text appears in more than one split.")));

    private static Table Files(DataReport report)
    {
        var table = new Table().Title("[bold]Files[/]").Border(TableBorder.Rounded)
            .AddColumn("File")
            .AddColumn(new TableColumn("Read").RightAligned())
            .AddColumn(new TableColumn("Kept").RightAligned())
            .AddColumn(new TableColumn("Empty text").RightAligned())
            .AddColumn(new TableColumn("Empty label").RightAligned())
            .AddColumn(new TableColumn("Empty after preprocessing").RightAligned())
            .AddColumn(new TableColumn("Duplicate").RightAligned());
        foreach (var source in report.Sources)
        {
            table.AddRow(Row(Markup.Escape(source.Source), source.RowsRead, source.RowsKept, source.Dropped));
        }

        if (report.Sources.Count > 1)
        {
            table.AddRow(Row("[bold]Total[/]", report.RowsRead, report.RowsKept, report.Dropped));
        }

        return table;
    }

    private static string[] Row(string name, int read, int kept, DropCounts dropped) =>
        [name, N(read), N(kept), N(dropped.EmptyText), N(dropped.EmptyLabel), N(dropped.EmptyAfterPreprocessing), N(dropped.Duplicate)];

    private static Table Classes(DataReport report)
    {
        var table = new Table().Title("[bold]Examples per class[/]").Border(TableBorder.Rounded).AddColumn("Label");
        foreach (var split in report.Splits)
        {
            table.AddColumn(new TableColumn(Markup.Escape(split.Name)).RightAligned());
        }

        table.AddColumn(new TableColumn("Total").RightAligned());
        foreach (var label in report.Labels)
        {
            var counts = report.Splits.Select(s => s.ClassCounts.TryGetValue(label, out var c) ? c : 0).ToList();
            table.AddRow([Markup.Escape(label), .. counts.Select(N), N(counts.Sum())]);
        }

        table.AddRow(["[bold]Rows[/]", .. report.Splits.Select(s => N(s.Rows)), N(report.Splits.Sum(s => s.Rows))]);
        return table;
    }

    private static Table Lengths(DataReport report)
    {
        var table = new Table().Title("[bold]Text length[/]").Border(TableBorder.Rounded)
            .AddColumn("Split")
            .AddColumn(new TableColumn("Chars min").RightAligned())
            .AddColumn(new TableColumn("median").RightAligned())
            .AddColumn(new TableColumn("mean").RightAligned())
            .AddColumn(new TableColumn("p95").RightAligned())
            .AddColumn(new TableColumn("max").RightAligned())
            .AddColumn(new TableColumn("Words median").RightAligned())
            .AddColumn(new TableColumn("p95").RightAligned());
        if (report.TokenLengths is not null)
        {
            table.AddColumn(new TableColumn("Tokens median").RightAligned()).AddColumn(new TableColumn("p95").RightAligned()).AddColumn(new TableColumn("max").RightAligned());
        }

        foreach (var split in report.Splits)
        {
            var c = split.Characters;
            List<string> cells = [Markup.Escape(split.Name), N(c.Min), N(c.Median), c.Mean.ToString("N1", CultureInfo.InvariantCulture), N(c.P95), N(c.Max), N(split.Words.Median), N(split.Words.P95)];
            if (report.TokenLengths is not null)
            {
                var t = report.TokenLengths.TryGetValue(split.Name, out var stats) ? stats : LengthStats.Empty;
                cells.AddRange([N(t.Median), N(t.P95), N(t.Max)]);
            }

            table.AddRow(cells.ToArray());
        }

        return table;
    }

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
