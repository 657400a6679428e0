using Oml.IO;
using SkiaSharp;

namespace Oml.Data.Sources;

/// <summary>
/// Turns the gzip IDX files of Fashion-MNIST (Debian package <c>dataset-fashion-mnist</c>) into an OML dataset:
/// 28x28 greyscale PNGs under <c>images/&lt;file&gt;/&lt;label&gt;/&lt;index&gt;.png</c>, <c>df.csv</c>,
/// <c>df_with_category.csv</c> (clothing groups) and <c>labels.csv</c>. Labels stay 0..9. Validation rows have
/// <c>is_query = is_gallery = True</c>. Deterministic: the same options write the same files.
/// </summary>
public static class FashionMnistImporter
{
    public const int ImageSide = 28;
    public const string ImagesFolder = "images";
    public const string DataFrameFile = "df.csv";
    public const string CategoryDataFrameFile = "df_with_category.csv";

    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The IDX file pairs, by the name used for the image subfolder.</summary>
    private static readonly (string Name, string Images, string Labels)[] Files =
    [
        ("train", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
        ("t10k", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
    ];

    private sealed record Item(string FileName, IdxFile Images, int Index, int Label, DatasetSplit Split)
    {
        public string RelativePath => $"{ImagesFolder}/{FileName}/{Label}/{Index:D5}.png";
    }

    /// <summary>A coarse group of a class: top, bottom, dress, shoes or bag.</summary>
    public static string CategoryOf(int label) => label switch
    {
        0 or 2 or 4 or 6 => "top",
        1 => "bottom",
        3 => "dress",
        5 or 7 or 9 => "shoes",
        8 => "bag",
        _ => throw new ArgumentOutOfRangeException(nameof(label), label, "Fashion-MNIST labels are 0..9"),
    };

    /// <param name="outputDirectory">Created if missing; existing files of the same names are replaced.</param>
    /// <param name="options">Null for the defaults (Debian's folder, open split, all images).</param>
    /// <param name="progress">Called with (images written, total), one call at a time, possibly from worker threads.</param>
    public static DatasetSourceResult Import(string outputDirectory, FashionMnistOptions? options = null, Action<int, int>? progress = null)
    {
        options ??= new FashionMnistOptions();
        options.Validate();
        var source = Path.GetFullPath(options.SourceDirectory);
        if (!Directory.Exists(source))
        {
            throw new OmlException(
                $"{source}: Fashion-MNIST folder not found; install it with `apt-get install dataset-fashion-mnist` " +
                $"or pass --source <folder with {Files[0].Images} and the other three IDX files>");
        }

        var items = Files.SelectMany(f => Select(source, f.Name, f.Images, f.Labels, options)).ToArray();
        var root = Path.GetFullPath(outputDirectory);
        OutputLocation.PrepareFolder(root, "out-dir");
        return OutputLocation.Writing("out-dir", () => Write(root, items, progress));
    }

    private static DatasetSourceResult Write(string root, Item[] items, Action<int, int>? progress)
    {
        foreach (var folder in items.Select(i => Path.GetDirectoryName(Path.Combine(root, i.RelativePath))!).Distinct())
        {
            Directory.CreateDirectory(folder);
        }

        var counter = new ProgressCounter(items.Length, progress);
        counter.Start();
        Parallel.For(0, items.Length, i =>
        {
            var item = items[i];
            File.WriteAllBytes(Path.Combine(root, item.RelativePath), EncodePng(item.Images.Item(item.Index)));
            counter.Step();
        });

        var rows = items.Select(ToRow).ToArray();
        var csvFiles = new[] { Path.Combine(root, DataFrameFile), Path.Combine(root, CategoryDataFrameFile) };
        DatasetCsv.Write(csvFiles[0], rows);
        DatasetCsv.Write(csvFiles[1], rows.Select(r => r with { Category = CategoryOf((int)r.Label) }).ToArray());
        LabelNamesCsv.Write(root, ClassNames.Select((name, label) => ((long)label, name)));

        var train = items.Where(i => i.Split == DatasetSplit.Train).ToArray();
        var validation = items.Where(i => i.Split == DatasetSplit.Validation).ToArray();
        return new DatasetSourceResult(
            root,
            csvFiles,
            TrainImages: train.Length,
            ValidationImages: validation.Length,
            TrainClasses: train.Select(i => i.Label).Distinct().Count(),
            ValidationClasses: validation.Select(i => i.Label).Distinct().Count(),
            Warnings: []);
    }

    private static IEnumerable<Item> Select(string source, string name, string imagesFile, string labelsFile, FashionMnistOptions options)
    {
        var imagesPath = Path.Combine(source, imagesFile);
        var labelsPath = Path.Combine(source, labelsFile);
        var images = IdxFile.ReadImages(imagesPath, ImageSide, ImageSide);
        var labels = IdxFile.ReadLabels(labelsPath);
        if (images.Count != labels.Count)
        {
            throw new OmlException($"{imagesPath} has {images.Count} images but {labelsPath} has {labels.Count} labels; they must match");
        }

        var taken = new int[ClassNames.Count];
        for (var index = 0; index < images.Count; index++)
        {
            int label = labels.Data[index];
            if (label >= ClassNames.Count)
            {
                throw new OmlException($"{labelsPath}: label {label} at item {index}; Fashion-MNIST labels are 0..{ClassNames.Count - 1}");
            }
            if (options.MaxPerClassPerFile is { } max && taken[label] >= max) continue;
            taken[label]++;
            yield return new Item(name, images, index, label, SplitOf(name, label, options.SplitMode));
        }
    }

    private static DatasetSplit SplitOf(string fileName, int label, FashionMnistSplitMode mode) => mode switch
    {
        FashionMnistSplitMode.Open => label < 5 ? DatasetSplit.Train : DatasetSplit.Validation,
        _ => fileName == "train" ? DatasetSplit.Train : DatasetSplit.Validation,
    };

    private static DatasetRow ToRow(Item item) => item.Split == DatasetSplit.Train
        ? DatasetRow.Train(item.Label, item.RelativePath)
        : DatasetRow.Validation(item.Label, item.RelativePath);

    private static byte[] EncodePng(ReadOnlySpan<byte> pixels)
    {
        var info = new SKImageInfo(ImageSide, ImageSide, SKColorType.Gray8, SKAlphaType.Opaque);
        using var image = SKImage.FromPixelCopy(info, pixels, ImageSide);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
