using Oml.Data;
using Oml.Retrieval;

namespace Oml.Metrics;

/// <summary>The retrieval setup and categories of a frame's validation split (row i = validation row i, file order).</summary>
public static class ValidationSet
{
    public static RetrievalSetup Setup(DatasetFrame frame)
    {
        var rows = frame.Validation;
        if (rows.Count == 0) throw new OmlException($"{frame.Source} has no validation rows: nothing to evaluate");
        var sequence = frame.HasSequence ? RetrievalSetup.FactorizeSequences(rows.Select(r => r.Sequence)) : null;
        return new RetrievalSetup(
            rows.Select(r => r.Label).ToArray(),
            rows.Select(r => r.IsQuery == true).ToArray(),
            rows.Select(r => r.IsGallery == true).ToArray(),
            sequence);
    }

    public static IReadOnlyList<string?>? Categories(DatasetFrame frame) =>
        frame.HasCategory ? frame.Validation.Select(r => r.Category).ToArray() : null;
}
