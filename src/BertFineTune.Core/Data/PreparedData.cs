using BertFineTune.Data.Labels;
using BertFineTune.Models;

namespace BertFineTune.Data;

/// <summary>The data pipeline's result: encoded labels, the three splits, and the report.</summary>
/// <param name="ProblemType">Single- or multi-label.</param>
/// <param name="Labels">id ↔ label name.</param>
/// <param name="Train">Training examples (every class has at least one).</param>
/// <param name="Validation">Validation examples.</param>
/// <param name="Test">Test examples; empty when the test ratio is zero or absent.</param>
/// <param name="HasTestSplit">False for <c>[0.8, 0.2]</c> or <c>[0.8, 0.2, 0.0]</c>.</param>
/// <param name="Report">Counts and statistics.</param>
public sealed record PreparedData(
    ProblemType ProblemType,
    LabelSet Labels,
    IReadOnlyList<DataExample> Train,
    IReadOnlyList<DataExample> Validation,
    IReadOnlyList<DataExample> Test,
    bool HasTestSplit,
    DataReport Report);
