namespace BertFineTune.Data.Reading;

/// <summary>
/// Picks the CSV delimiter among <c>,</c> <c>;</c> tab <c>|</c> from a sample of the file: the candidate that splits the
/// header into the most columns while every sampled record (quotes respected) has that same count wins. Ties go to
/// the earlier candidate in that list, so a one-column file reads as comma-separated.
/// </summary>
internal static class DelimiterDetector
{
    public static readonly char[] Candidates = [',', ';', '\t', '|'];

    private const int MaxRecords = 50;

    public static char Detect(ReadOnlySpan<char> sample, bool sampleIsWholeFile)
    {
        var best = Candidates[0];
        var bestScore = (Consistent: false, Columns: 1);
        foreach (var candidate in Candidates)
        {
            var counts = CountFields(sample, candidate, sampleIsWholeFile);
            if (counts.Count == 0)
            {
                continue;
            }

            var header = counts[0];
            var consistent = counts.TrueForAll(c => c == header);
            var better = (consistent && !bestScore.Consistent && header > 1)
                || (consistent == bestScore.Consistent && header > bestScore.Columns);
            if (better)
            {
                best = candidate;
                bestScore = (consistent, header);
            }
        }

        return best;
    }

    /// <summary>Fields per record over the sample; a record cut off by the sample's end is not counted.</summary>
    private static List<int> CountFields(ReadOnlySpan<char> text, char delimiter, bool sampleIsWholeFile)
    {
        var counts = new List<int>();
        var fields = 1;
        var inQuotes = false;
        var recordHasContent = false;
        for (var i = 0; i < text.Length && counts.Count < MaxRecords; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        i++;
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }

                continue;
            }

            if (c == '"')
            {
                inQuotes = true;
                recordHasContent = true;
            }
            else if (c == delimiter)
            {
                fields++;
                recordHasContent = true;
            }
            else if (c is '\n' or '\r')
            {
                if (recordHasContent)
                {
                    counts.Add(fields);
                }

                fields = 1;
                recordHasContent = false;
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
            }
            else
            {
                recordHasContent = true;
            }
        }

        if (sampleIsWholeFile && recordHasContent && !inQuotes && counts.Count < MaxRecords)
        {
            counts.Add(fields);
        }

        return counts;
    }
}
