namespace Oml.Retrieval;

/// <summary>
/// Sees every (query, gallery) distance of a streaming search exactly once, as the search computes it, without a
/// Q x G matrix ever existing (streaming FNMR@FMR uses it). Called concurrently for different queries.
/// </summary>
public interface IDistanceObserver
{
    /// <param name="query">Query index.</param>
    /// <param name="galleryStart">Gallery position of <c>distances[0]</c>.</param>
    /// <param name="distances">Final distances of this query to gallery positions galleryStart.. (excluded pairs included).</param>
    void Observe(int query, int galleryStart, ReadOnlySpan<float> distances);
}
