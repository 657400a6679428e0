namespace Oml.Postprocessing;

/// <summary>A sparse vector: ascending <see cref="Indices"/> and their values.</summary>
internal sealed record SparseVector(int[] Indices, double[] Values);
