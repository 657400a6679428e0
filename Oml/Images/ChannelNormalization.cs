namespace Oml.Images;

/// <summary>
/// Per-channel <c>(pixel / 255 - mean) / std</c>, RGB order, as torchvision's ToTensor + Normalize and
/// albumentations' Normalize compute it. Writes channels-first floats through a 256-entry table per channel.
/// </summary>
public sealed class ChannelNormalization
{
    private readonly float[] _table; // [channel * 256 + value]

    public ChannelNormalization(IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        if (mean.Count != 3 || std.Count != 3)
            throw new ArgumentException($"mean and std need 3 values (R, G, B), got {mean.Count} and {std.Count}");
        if (std.Any(s => s <= 0))
            throw new ArgumentException($"std values must be positive, got [{string.Join(", ", std)}]");
        Mean = mean.ToArray();
        Std = std.ToArray();
        _table = new float[3 * 256];
        for (var c = 0; c < 3; c++)
            for (var v = 0; v < 256; v++)
                _table[c * 256 + v] = (float)((v / 255.0 - Mean[c]) / Std[c]);
    }

    public static ChannelNormalization ImageNet { get; } = new([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);

    public static ChannelNormalization Clip { get; } =
        new([0.48145466, 0.4578275, 0.40821073], [0.26862954, 0.26130258, 0.27577711]);

    public IReadOnlyList<double> Mean { get; }

    public IReadOnlyList<double> Std { get; }

    /// <summary>The normalised value of 8-bit <paramref name="value"/> in <paramref name="channel"/> (0 = R).</summary>
    public float Normalize(int channel, byte value) => _table[channel * 256 + value];

    /// <summary>The 8-bit value nearest to normalised <paramref name="normalized"/> (for visual checks).</summary>
    public byte Denormalize(int channel, float normalized) =>
        (byte)Math.Clamp(Math.Round((normalized * Std[channel] + Mean[channel]) * 255.0), 0, 255);

    /// <summary>Writes <paramref name="image"/> as <c>[3, H, W]</c> normalised floats, mirrored left-right when
    /// <paramref name="flipHorizontally"/>.</summary>
    public unsafe void WriteChannelsFirst(RgbImage image, Span<float> destination, bool flipHorizontally = false)
    {
        int w = image.Width, h = image.Height, plane = w * h;
        if (destination.Length < 3 * plane)
            throw new ArgumentException($"Destination holds {destination.Length} floats, {3 * plane} needed for 3x{h}x{w}", nameof(destination));
        fixed (byte* rgb = image.Pixels)
        fixed (float* dst = destination)
        fixed (float* table = _table)
        {
            float* r = dst, g = dst + plane, b = dst + 2 * plane;
            float* tr = table, tg = table + 256, tb = table + 512;
            for (var y = 0; y < h; y++)
            {
                var src = rgb + (long)y * w * 3;
                var row = y * w;
                if (!flipHorizontally)
                {
                    for (var x = 0; x < w; x++, src += 3)
                    {
                        r[row + x] = tr[src[0]];
                        g[row + x] = tg[src[1]];
                        b[row + x] = tb[src[2]];
                    }
                }
                else
                {
                    for (var x = w - 1; x >= 0; x--, src += 3)
                    {
                        r[row + x] = tr[src[0]];
                        g[row + x] = tg[src[1]];
                        b[row + x] = tb[src[2]];
                    }
                }
            }
        }
    }
}
