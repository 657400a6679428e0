namespace Oml.Zoo;

/// <summary>The hash a zoo entry's checksum is taken with: OML's own checkpoints use md5, torchvision's and Unicom's sha256.</summary>
public enum ChecksumAlgorithm
{
    Md5,
    Sha256,
}
