using Oml.Retrieval;

namespace Oml.Postprocessing;

/// <summary>
/// Changes what retrieval found, query by query: cuts lists (thresholding) or re-orders their first items
/// (re-ranking). Ground truth, queries and gallery stay the same.
/// </summary>
public interface IRetrievalPostprocessor
{
    /// <summary>New results for the same queries; <paramref name="results"/> is left unchanged.</summary>
    RetrievalResults Process(RetrievalResults results, PostprocessingInputs inputs);

    /// <summary>
    /// How many retrieved items per query this postprocessor looks at (retrieval must fetch at least that many),
    /// or null when it works on whatever was retrieved.
    /// </summary>
    int? TopN { get; }
}
