namespace Oml.Retrieval;

/// <summary>
/// How validation retrieves (the <c>retrieval</c> config block): the search, and whether to also run the exact
/// search and report how much of its top k the search found (<c>report_recall</c>, <see cref="RetrievalRecall"/>).
/// </summary>
public sealed record RetrievalMethod(IKnnSearch Search, bool ReportRecall = false)
{
    /// <summary>The exact streaming search, no recall reported: validation without a <c>retrieval</c> block.</summary>
    public static RetrievalMethod Exact { get; } = new(new ExactKnnSearch());

    public bool IsExact => Search is ExactKnnSearch;
}
