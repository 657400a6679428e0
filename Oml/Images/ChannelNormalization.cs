namespace Oml.Images;

/// <summary>
/// Per-channel <c>(pixel / 255 - mean) / std</c>, as torchvision's ToTensor + Normalize and albumentations' Normalize
/// compute it, written channels-first in RGB order, or in BGR order when <see cref="Bgr"/> (Caffe / CNTK models such
/// as the ML.NET ResNet-18). Mean and std are always given in R, G, B order. Writes through a 256-entry table per channel.
/// </summary>
public sealed class ChannelNormalization
{
    private readonly float[] _table; // [channel * 256 + value]

    public ChannelNormalization(IReadOnlyList<double> mean, IReadOnlyList<double> std, bool bgr = false)
    {
        if (mean.Count != 3 || std.Count != 3)
            throw new ArgumentException($"mean and std need 3 values (R, G, B), got {mean.Count} and {std.Count}");
        if (std.Any(s => s <= 0))
            throw new ArgumentException($"std values must be positive, got [{string.Join(", ", std)}]");
        Mean = mean.ToArray();
        Std = std.ToArray();
        Bgr = bgr;
        _table = new float[3 * 256];
        for (var c = 0; c < 3; c++)
            for (var v = 0; v < 256; v++)
                _table[c * 256 + v] = (float)((v / 255.0 - Mean[c]) / Std[c]);
    }

    public static ChannelNormalization ImageNet { get; } = new([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);

    public static ChannelNormalization Clip { get; } =
        new([0.48145466, 0.4578275, 0.40821073], [0.26862954, 0.26130258, 0.27577711]);

    /// <summary>The channel means of the ML.NET ResNet-18's mean image, B, G, R, on the 0-255 scale.</summary>
    public static IReadOnlyList<double> MlNetChannelMeansBgr { get; } = [103.0626, 115.9029, 123.1516];

    /// <summary>
    /// The ML.NET ResNet-18's preprocessing with its mean image averaged per channel: BGR order, 0-255 scale minus the
    /// channel means (B 103.0626, G 115.9029, R 123.1516 of <c>ResNetPreprocess.onnx</c>'s mean image), no std.
    /// For crops and sizes other than 224 px, where the per-pixel mean image has no place (see <c>norm_resize_mlnet</c>).
    /// </summary>
    public static ChannelNormalization MlNet { get; } =
        new([MlNetChannelMeansBgr[2] / 255, MlNetChannelMeansBgr[1] / 255, MlNetChannelMeansBgr[0] / 255], [1.0 / 255, 1.0 / 255, 1.0 / 255], bgr: true);

    public IReadOnlyList<double> Mean { get; }

    public IReadOnlyList<double> Std { get; }

    /// <summary>True: the output planes are B, G, R; false: R, G, B.</summary>
    public bool Bgr { get; }

    /// <summary>The source channel (0 = R) that output plane <paramref name="plane"/> holds.</summary>
    public int SourceChannel(int plane) => Bgr ? 2 - plane : plane;

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
            float* r = Bgr ? dst + 2 * plane : dst, g = dst + plane, b = Bgr ? dst : dst + 2 * plane;
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
