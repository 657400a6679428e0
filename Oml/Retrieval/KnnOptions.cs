namespace Oml.Retrieval;

/// <summary>
/// Geometry of the streaming search. Memory beyond the inputs and the results is one
/// <see cref="QueryChunk"/> x <see cref="GalleryChunk"/> float buffer (8 MB by default) plus a row of floats per
/// thread. The defaults keep the matrix product efficient on CPU: 1024 x 2048 blocks searched Q = G = 30,000 in
/// 1.9-2.1 s against 2.4-2.7 s with 1024 x 8192 (benchmarks/README.md, "Retrieval"), the same at 100,000.
/// </summary>
public sealed record KnnOptions
{
    public int QueryChunk { get; init; } = 1024;

    public int GalleryChunk { get; init; } = 2048;

    /// <summary>Threads of the selection pass (the matrix product uses TorchSharp's threads); null = all cores.</summary>
    public int? Threads { get; init; }

    public static KnnOptions Default { get; } = new();
}
