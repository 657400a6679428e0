using Oml.Data.Sources;
using Oml.Images;
using Oml.Registries;

namespace Oml.Tests.Images;

/// <summary>A validated frame's split as batches of transformed images (the mock dataset, 64 px).</summary>
public sealed class ImageDatasetTests : TempDirectoryTest
{
    public ImageDatasetTests()
    {
        MockDatasetGenerator.Generate(Dir.Path, new MockDatasetOptions { Classes = 4, PerClass = 4, Size = 64, Seed = 5 });
    }

    private DatasetFrame Frame(string csv = "df.csv") => DatasetFrame.Load(Dir.File(csv));

    private static IImageTransform Transform(string name, int size = 32) =>
        Registry.Transforms.Create(name, BlockArgs.From("transforms.args", ("im_size", size)));

    [Fact]
    public void BatchHasTheTransformShapeAndNormalisedValues()
    {
        var dataset = ImageDataset.Validation(Frame(), Transform("norm_resize_torch"));
        using var scope = torch.NewDisposeScope();
        var batch = dataset.LoadBatch([0, 3, 5]);
        Assert.Equal([3L, 3, 32, 32], batch.shape);
        Assert.Equal(torch.ScalarType.Float32, batch.dtype);
        // ImageNet normalisation of 8-bit pixels stays within [(0 - 0.485) / 0.229, (1 - 0.406) / 0.225]
        Assert.InRange(batch.min().item<float>(), -2.12f, 0f);
        Assert.InRange(batch.max().item<float>(), 0f, 2.65f);
        Assert.Equal([2L, 2, 2, 2, 3, 3, 3, 3], dataset.Labels());
    }

    [Fact]
    public void SameSeedAndEpochGiveIdenticalBatchesOnAnyNumberOfThreads()
    {
        var frame = Frame();
        var a = new ImageDataset(frame, frame.Train, Transform("augs_torch"), seed: 11);
        var b = new ImageDataset(frame, frame.Train, Transform("augs_torch"), seed: 11);
        using var scope = torch.NewDisposeScope();
        int[] indices = [0, 1, 2, 3, 4, 5, 6, 7];
        var one = a.LoadBatch(indices, epoch: 2, threads: 1);
        var two = b.LoadBatch(indices, epoch: 2, threads: 2);
        Assert.True(one.equal(two).all().item<bool>());

        var nextEpoch = a.LoadBatch(indices, epoch: 3);
        Assert.False(one.equal(nextEpoch).all().item<bool>());
        var otherSeed = new ImageDataset(frame, frame.Train, Transform("augs_torch"), seed: 12).LoadBatch(indices, epoch: 2);
        Assert.False(one.equal(otherSeed).all().item<bool>());
    }

    [Fact]
    public void SingleSampleEqualsItsBatchSlot()
    {
        var dataset = ImageDataset.Train(Frame(), Transform("augs_torch"), seed: 3);
        using var scope = torch.NewDisposeScope();
        var batch = dataset.LoadBatch([4, 7], epoch: 1);
        Assert.True(dataset.Get(7, epoch: 1).equal(batch[1]).all().item<bool>());
    }

    [Fact]
    public void BoxesAreCroppedBeforeTheTransform()
    {
        var plain = ImageDataset.Validation(Frame(), Transform("norm_resize_torch", 64));
        var boxed = ImageDataset.Validation(Frame("df_with_bboxes.csv"), Transform("norm_resize_torch", 64));
        var box = boxed.Rows[0].Box!.Value;
        using var full = plain.Decode(0);
        using var crop = boxed.Decode(0);
        Assert.Equal((box.Width, box.Height), (crop.Width, crop.Height));
        Assert.Equal(full.GetPixel(box.X1, box.Y1), crop.GetPixel(0, 0));
        Assert.Equal(full.GetPixel(box.X2 - 1, box.Y2 - 1), crop.GetPixel(box.Width - 1, box.Height - 1));
    }

    [Fact]
    public void ABoxOutsideTheImageNamesTheCsvRow()
    {
        var rows = Frame().Rows.ToArray();
        rows[12] = rows[12] with { Box = new BoundingBox(10, 70, 0, 20) };
        DatasetCsv.Write(Dir.File("bad_box.csv"), rows);
        var dataset = ImageDataset.Validation(Frame("bad_box.csv"), Transform("norm_resize_torch"));
        var index = dataset.Rows.ToList().FindIndex(r => r.RowNumber == 14);

        var e = Assert.Throws<OmlException>(() => dataset.LoadBatch([0, index]).Dispose());
        Assert.StartsWith($"{Dir.File("bad_box.csv")} row 14 ({rows[12].Path}): ", e.Message);
        Assert.Contains("does not fit in the image of 64x64 pixels", e.Message);

        var problem = Assert.Single(DatasetImageCheck.Run(Frame("bad_box.csv")));
        Assert.Equal((14, "x_2"), (problem.Row, problem.Column));
        Assert.Contains("does not fit in the 64x64 image", problem.Message);
    }

    [Fact]
    public void ACorruptFileNamesTheCsvRowAndTheFile()
    {
        var frame = Frame();
        File.WriteAllBytes(frame.ResolvePath(frame.Validation[2]), [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
        var dataset = ImageDataset.Validation(frame, Transform("norm_resize_torch"));
        var e = Assert.Throws<OmlException>(() => dataset.LoadBatch([1, 2]).Dispose());
        Assert.Contains($"row {frame.Validation[2].RowNumber} ", e.Message);
        Assert.Contains(frame.Validation[2].Path, e.Message);

        var problem = Assert.Single(DatasetImageCheck.Run(frame));
        Assert.Equal((frame.Validation[2].RowNumber, "path"), (problem.Row, problem.Column));
    }

    [Fact]
    public void SizeKeepingTransformNeedsImagesOfOneSize()
    {
        var dataset = ImageDataset.Validation(Frame("df_with_bboxes.csv"), Registry.Transforms.Create("norm_torch", BlockArgs.Empty("t")));
        var e = Assert.Throws<OmlException>(() => dataset.LoadBatch([0, 1, 2]).Dispose());
        Assert.Contains("needs images of one size", e.Message);

        using var same = ImageDataset.Validation(Frame(), Registry.Transforms.Create("norm_torch", BlockArgs.Empty("t"))).LoadBatch([0, 1]);
        Assert.Equal([2L, 3, 64, 64], same.shape);
    }

    [Fact]
    public void DerivedSeedsDifferPerSampleAndEpoch()
    {
        var seeds = new HashSet<int>();
        for (var epoch = 0; epoch < 10; epoch++)
        for (var index = 0; index < 100; index++)
            seeds.Add(ImageDataset.DeriveSeed(0, epoch, index));
        Assert.Equal(1000, seeds.Count);
        Assert.Equal(ImageDataset.DeriveSeed(7, 1, 2), ImageDataset.DeriveSeed(7, 1, 2));
    }
}
