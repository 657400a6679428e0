using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Oml.Images;
using Oml.Registries;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using static TorchSharp.torch;

namespace Oml.Benchmarks;

/// <summary>
/// <c>decode</c>: 256 synthetic 500x375 JPEGs (quality 90) decoded from memory, alone and into a preallocated
/// [256, 3, 224, 224] batch tensor through <c>norm_resize_torch</c> and <c>augs_torch</c>, on 1 and 2 threads, plus
/// ImageSharp 2.1.13 decode + resize for comparison, and 2000x1500 JPEGs with and without DCT-scaled decoding.
/// All cases run alternately in every repeat; best and median.
/// </summary>
internal static class DecodeBenchmark
{
    private const int ImageCount = 256;
    private const int Width = 500;
    private const int Height = 375;
    private const int Size = 224;
    private const int LargeCount = 32;
    private const int LargeWidth = 2000;
    private const int LargeHeight = 1500;

    private sealed record Case(string Name, int Threads, int Count, Action<int, Tensor> DecodeOne);

    public static int Run(string[] args)
    {
        var repeats = 7;
        var writeResults = true;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--repeats" && i + 1 < args.Length) repeats = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--no-results-file") writeResults = false;
            else { Console.Error.WriteLine($"unknown option {args[i]}"); return 2; }
        }

        var folder = Directory.CreateTempSubdirectory("oml-decode-bench-");
        try
        {
            var files = WriteJpegs(folder.FullName);
            var bytes = files.Select(File.ReadAllBytes).ToArray();
            Console.WriteLine($"{ImageCount} JPEGs {Width}x{Height} q90 in {folder.FullName}, mean {bytes.Average(b => b.Length) / 1024:F1} KB");
            var large = Enumerable.Range(0, LargeCount).AsParallel().AsOrdered().Select(i =>
            {
                using var photo = SyntheticPhotos.Create(LargeWidth, LargeHeight, seed: 1000 + i);
                return ImageEncoding.EncodeJpeg(photo, 90);
            }).ToArray();
            var table = Measure(files, bytes, large, repeats);
            var report = Report(table, repeats, bytes.Average(b => b.Length));
            ResultsFile.Publish("Image decoding", report, writeResults);
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string[] WriteJpegs(string folder)
    {
        var paths = new string[ImageCount];
        Parallel.For(0, ImageCount, i =>
        {
            using var photo = SyntheticPhotos.Create(Width, Height, seed: i);
            paths[i] = Path.Combine(folder, $"photo_{i:D3}.jpg");
            File.WriteAllBytes(paths[i], ImageEncoding.EncodeJpeg(photo, 90));
        });
        return paths;
    }

    private static List<(Case Case, List<double> MsPerImage)> Measure(string[] files, byte[][] bytes, byte[][] large, int repeats)
    {
        var decoder = ImageDecoder.Default;
        var fullSizeDecoder = new ImageDecoder(allowDctDownscaling: false);
        var resize = Registry.Transforms.Create("norm_resize_torch", BlockArgs.From("bench", ("im_size", (long)Size)));
        var augs = Registry.Transforms.Create("augs_torch", BlockArgs.From("bench", ("im_size", (long)Size)));
        var sharpConfig = Configuration.Default.Clone();
        sharpConfig.MaxDegreeOfParallelism = 1; // parallelism comes from Parallel.For, as for the other cases
        var resampler = KnownResamplers.Triangle;

        void DecodeOnly(int i, Tensor batch)
        {
            using var image = decoder.Decode(bytes[i], files[i]);
        }

        void Transform(IImageTransform transform, int i, Tensor batch)
        {
            using var image = decoder.Decode(bytes[i], files[i], transform: transform);
            transform.ApplyToBatch(image, new Random(i), batch, i);
        }

        void Large(ImageDecoder largeDecoder, int i, Tensor batch)
        {
            using var image = largeDecoder.Decode(large[i], $"large_{i}.jpg", transform: resize);
            resize.ApplyToBatch(image, new Random(i), batch, i);
        }

        void ImageSharpResize(int i, Tensor batch)
        {
            using var image = SixLabors.ImageSharp.Image.Load<Rgb24>(sharpConfig, bytes[i]);
            image.Mutate(x => x.Resize(Size, Size, resampler));
            var destination = ImageTransformExtensions.SampleSpan(batch, i, new ImageSize(Size, Size));
            var normalization = ChannelNormalization.ImageNet;
            const int plane = Size * Size;
            for (var y = 0; y < Size; y++)
            {
                var row = image.DangerousGetPixelRowMemory(y).Span;
                for (var x = 0; x < Size; x++)
                {
                    destination[y * Size + x] = normalization.Normalize(0, row[x].R);
                    destination[plane + y * Size + x] = normalization.Normalize(1, row[x].G);
                    destination[2 * plane + y * Size + x] = normalization.Normalize(2, row[x].B);
                }
            }
        }

        var cases = new List<Case>();
        foreach (var threads in new[] { 1, 2 })
        {
            cases.Add(new Case("(a) Skia decode only", threads, ImageCount, DecodeOnly));
            cases.Add(new Case("(b) Skia decode + norm_resize_torch 224 -> batch tensor", threads, ImageCount, (i, t) => Transform(resize, i, t)));
            cases.Add(new Case("(c) Skia decode + augs_torch 224 -> batch tensor", threads, ImageCount, (i, t) => Transform(augs, i, t)));
            cases.Add(new Case("(d) ImageSharp 2.1.13 decode + resize 224 (Triangle) -> batch tensor", threads, ImageCount, ImageSharpResize));
            cases.Add(new Case($"(e) {LargeWidth}x{LargeHeight} JPEG + norm_resize_torch 224, full-size decode", threads, LargeCount, (i, t) => Large(fullSizeDecoder, i, t)));
            cases.Add(new Case($"(f) {LargeWidth}x{LargeHeight} JPEG + norm_resize_torch 224, DCT-scaled decode (default)", threads, LargeCount, (i, t) => Large(decoder, i, t)));
        }
        cases = cases.OrderBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.Threads).ToList();

        using var batch = zeros(ImageCount, 3, Size, Size);
        var results = cases.Select(c => (c, new List<double>())).ToList();
        for (var repeat = -1; repeat < repeats; repeat++) // repeat -1 warms up the JIT and the pools
        {
            foreach (var (benchCase, times) in results)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var watch = Stopwatch.StartNew();
                Parallel.For(0, benchCase.Count, new ParallelOptions { MaxDegreeOfParallelism = benchCase.Threads },
                    i => benchCase.DecodeOne(i, batch));
                watch.Stop();
                if (repeat >= 0) times.Add(watch.Elapsed.TotalMilliseconds / benchCase.Count);
            }
            Console.Error.Write(repeat < 0 ? "warm-up done " : $"{repeat + 1}/{repeats} ");
        }
        Console.Error.WriteLine();
        return results;
    }

    private static string Report(List<(Case Case, List<double> MsPerImage)> results, int repeats, double meanBytes)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {MachineDescription()}.");
        sb.AppendLine();
        sb.AppendLine("Command: `dotnet run -c Release --project benchmarks/Oml.Benchmarks -- decode`");
        sb.AppendLine();
        sb.AppendLine($"{ImageCount} synthetic photo-like JPEGs, {Width}x{Height}, quality 90 (mean {meanBytes / 1024:F1} KB), decoded from memory. " +
                      $"Each case runs over all {ImageCount} images with `Parallel.For` (MaxDegreeOfParallelism = threads); " +
                      $"all cases alternate within each of {repeats} repeats after one warm-up round. " +
                      $"Cases (b)-(d) write normalised floats into one preallocated [{ImageCount}, 3, {Size}, {Size}] tensor. " +
                      "ImageSharp runs with its own parallelism off (MaxDegreeOfParallelism = 1 in its configuration). " +
                      $"(e)/(f): {LargeCount} larger JPEGs ({LargeWidth}x{LargeHeight}, q90); (f) lets libjpeg-turbo decode at a 1/8..7/8 DCT scale " +
                      "that keeps both sides at least twice the output (here 3/8, 750x563); the tests measure the output difference at 0.38 8-bit levels on average. " +
                      "glibc malloc is tuned with mallopt as in docs/native-runtime.md §1.");
        sb.AppendLine();
        sb.AppendLine("| case | threads | best ms/image | median ms/image | images/s (median) |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var (c, times) in results)
        {
            var sorted = times.OrderBy(t => t).ToArray();
            var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {c.Name} | {c.Threads} | {sorted[0]:F2} | {median:F2} | {1000 / median:F0} |"));
        }
        return sb.ToString();
    }

    private static string MachineDescription()
    {
        var cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }
        return $"{cpu}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";
    }
}
