namespace Oml.IO;

/// <summary>A float32 matrix read from (or to be written to) a NumPy <c>.npy</c> file, row-major.</summary>
public sealed record NpyArray(float[] Data, int Rows, int Columns);
