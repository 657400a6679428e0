namespace Oml.Retrieval;

/// <summary>Input checks shared by the index paths (the exact search checks through its norms).</summary>
internal static class VectorChecks
{
    /// <summary>Throws when a value is NaN or infinite, naming the first such row of <paramref name="what"/>.</summary>
    public static void ThrowIfNotFinite(ReadOnlySpan<float> rows, int dimension, string what)
    {
        for (var i = 0; i < rows.Length; i++)
        {
            if (!float.IsFinite(rows[i]))
            {
                throw new OmlException($"the {what} embeddings contain NaN or infinite values (first at {what} {i / dimension}); fix the model or the file before searching");
            }
        }
    }
}
