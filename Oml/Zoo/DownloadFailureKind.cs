namespace Oml.Zoo;

/// <summary>Why one address could not deliver a checkpoint; decides the advice and whether the next address is tried.</summary>
internal enum DownloadFailureKind
{
    /// <summary>No connection: DNS, refused, no route, TLS, or no answer in time. Nothing was written.</summary>
    Unreachable,

    /// <summary>The proxy refused (HTTP 407, or the tunnel failed). Nothing was written.</summary>
    Proxy,

    /// <summary>The server answered with an error status. Nothing was written.</summary>
    HttpStatus,

    /// <summary>The connection broke or stalled in the middle of the file; the bytes so far are kept.</summary>
    Interrupted,

    /// <summary>The cache folder's disk is full; the bytes so far are kept.</summary>
    DiskFull,

    /// <summary>The whole file arrived but its digest is not the expected one; it was deleted.</summary>
    ChecksumMismatch,
}
