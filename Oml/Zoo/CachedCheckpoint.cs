namespace Oml.Zoo;

/// <summary>
/// Where a zoo checkpoint is (or would be) cached and what is there now: the whole file (<see cref="Bytes"/>), a
/// part of an unfinished download (<see cref="PartialBytes"/>), or nothing.
/// </summary>
public sealed record CachedCheckpoint(ZooEntry Entry, string Path, long? Bytes, long? PartialBytes)
{
    public bool IsCached => Bytes is not null;
}
