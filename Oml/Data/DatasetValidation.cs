namespace Oml.Data;

/// <summary>What <see cref="DatasetValidator"/> found: the parsed rows (those that parsed) and every problem.</summary>
public sealed record DatasetValidation(
    string Source,
    IReadOnlyList<DatasetRow> Rows,
    IReadOnlyList<DatasetProblem> Problems,
    bool HasBoxes,
    bool HasCategory,
    bool HasSequence)
{
    public IEnumerable<DatasetProblem> Errors => Problems.Where(p => p.Severity == DatasetProblemSeverity.Error);

    public IEnumerable<DatasetProblem> Warnings => Problems.Where(p => p.Severity == DatasetProblemSeverity.Warning);

    public bool IsValid => !Errors.Any();
}
