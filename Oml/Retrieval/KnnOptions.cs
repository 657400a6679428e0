namespace Oml.Retrieval;

/// <summary>
/// Geometry of the streaming search. Memory beyond the inputs and the results is one
/// <see cref="QueryChunk"/> x <see cref="GalleryChunk"/> float buffer (32 MB by default) plus a row of floats per
/// thread. The defaults keep the matrix product efficient on CPU.
/// </summary>
public sealed record KnnOptions
{
    public int QueryChunk { get; init; } = 1024;

    public int GalleryChunk { get; init; } = 8192;

    /// <summary>Threads of the selection pass (the matrix product uses TorchSharp's threads); null = all cores.</summary>
    public int? Threads { get; init; }

    public static KnnOptions Default { get; } = new();
}
