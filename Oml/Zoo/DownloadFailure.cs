namespace Oml.Zoo;

/// <summary>One address failed (<see cref="Kind"/>, <see cref="Exception.Message"/> says how, in words for a user).</summary>
internal sealed class DownloadFailure(DownloadFailureKind kind, string reason, Exception? innerException = null) : Exception(reason, innerException)
{
    public DownloadFailureKind Kind { get; } = kind;

    /// <summary>Whether bytes were kept for a later resume, so no other address should be tried now.</summary>
    public bool KeepsPartial => Kind is DownloadFailureKind.Interrupted or DownloadFailureKind.DiskFull;
}
