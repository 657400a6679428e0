namespace Oml.Metrics.Functional;

/// <summary>
/// A retrieval metric of one query: <paramref name="hits"/> says, in rank order, whether each retrieved gallery item
/// is in the query's ground truth; <paramref name="groundTruthCount"/> is the size of that ground truth over the whole
/// gallery. E.g. <c>(h, n) =&gt; RetrievalMetricFunctions.Cmc(h, n, 5)</c>.
/// </summary>
public delegate double QueryMetric(ReadOnlySpan<bool> hits, int groundTruthCount);
