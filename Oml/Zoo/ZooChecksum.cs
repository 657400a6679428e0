using System.Security.Cryptography;

namespace Oml.Zoo;

/// <summary>
/// The expected start of a checkpoint's hex digest. OML compares only a prefix of the md5 (6 to 8 hex digits for its
/// own checkpoints, the full 32 for CLIP's); torchvision keeps the first 8 hex digits of the sha256 in the file name.
/// A prefix guards against a truncated or swapped file, not against someone who crafts one.
/// </summary>
public sealed record ZooChecksum(ChecksumAlgorithm Algorithm, string Prefix)
{
    public static ZooChecksum Md5(string prefix) => new(ChecksumAlgorithm.Md5, prefix);

    public static ZooChecksum Sha256(string prefix) => new(ChecksumAlgorithm.Sha256, prefix);

    /// <summary>Whether a lower-case hex digest of the same algorithm starts with <see cref="Prefix"/>.</summary>
    public bool Matches(string hexDigest) => hexDigest.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>"md5 starting with cf0f22", or "sha256 = …" when the whole digest is given.</summary>
    public string Describe()
    {
        var name = Algorithm == ChecksumAlgorithm.Md5 ? "md5" : "sha256";
        var full = Algorithm == ChecksumAlgorithm.Md5 ? 32 : 64;
        return Prefix.Length == full ? $"{name} {Prefix}" : $"{name} starting with {Prefix}";
    }

    /// <summary>A hash that is fed as bytes arrive.</summary>
    public IncrementalHash CreateHash() => IncrementalHash.CreateHash(Algorithm == ChecksumAlgorithm.Md5 ? HashAlgorithmName.MD5 : HashAlgorithmName.SHA256);
}
