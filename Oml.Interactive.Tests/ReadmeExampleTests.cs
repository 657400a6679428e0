using Oml.Data.Sources;
using Oml.Images;
using Oml.Metrics;
using Oml.Models;
using Oml.Registries;

namespace Oml.Tests;

/// <summary>The README's "From .NET code" example, as written there, so the README stays true.</summary>
[Collection(ProcessStateCollection.Name)]
public sealed class ReadmeExampleTests : TempDirectoryTest
{
    [Fact]
    public void FromDotNetCodeExampleRuns()
    {
        MockDatasetGenerator.Generate(Dir.File("data/mock"));
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = Dir.Path;
        try
        {
            var frame = DatasetFrame.Load("data/mock/df_with_bboxes.csv");      // throws OmlException listing every problem
            Console.WriteLine(frame.Summarize());

            var transform = Registry.Transforms.Create("norm_resize_torch", BlockArgs.From("transforms_val.args", ("im_size", 64)));
            var validation = ImageDataset.Validation(frame, transform);
            using var batch = validation.LoadBatch([0, 1, 2, 3]);                // [4, 3, 64, 64] float32, decoded in parallel

            // metrics of any [N, D] embeddings of the validation rows (here: the flattened pixels, as a baseline)
            using var all = validation.LoadBatch(Enumerable.Range(0, validation.Count).ToArray());
            var result = EmbeddingMetrics.Compute(all.flatten(1), ValidationSet.Setup(frame), new MetricArgs { CmcTopK = [1, 5] });
            Console.WriteLine(result.Metrics["OVERALL/cmc/1"]);                   // also per category, worst queries, counts

            Assert.Equal([4L, 3, 64, 64], batch.shape);
            Assert.Equal(48, result.Queries);
            Assert.InRange(result.Metrics["OVERALL/cmc/1"], 0, 1);

            // the README's second block, as written there
            var mlnet = Registry.Transforms.Create("norm_resize_mlnet", BlockArgs.From("transforms_val.args", ("im_size", 64)));
            using var extractor = new ResnetExtractor("resnet18_mlnet", freezeBatchNorm: true);
            ExtractorWeights.Load(extractor, "resnet18_mlnet_imagenet", "extractor.args.weights");
            extractor.eval();
            using var images = ImageDataset.Validation(frame, mlnet).LoadBatch(Enumerable.Range(0, validation.Count).ToArray());
            using var features = extractor.Extract(images);                     // [48, 512] ImageNet features
            var pretrained = EmbeddingMetrics.Compute(features, ValidationSet.Setup(frame), new MetricArgs { CmcTopK = [1, 5] });
            Console.WriteLine(pretrained.Metrics["OVERALL/cmc/1"]);               // far above the pixels' baseline

            Assert.Equal([48L, 512], features.shape);
            Assert.True(pretrained.Metrics["OVERALL/cmc/1"] > result.Metrics["OVERALL/cmc/1"] + 0.1,
                $"pretrained {pretrained.Metrics["OVERALL/cmc/1"]} vs pixels {result.Metrics["OVERALL/cmc/1"]}");
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [Fact]
    public void RegistriesAreOpen()
    {
        Registry.Transforms["readme_test_aug"] = args => new ResizeTransform(args.GetInt("im_size", 224), ChannelNormalization.ImageNet);
        try
        {
            var t = Registry.Transforms.Create("readme_test_aug", BlockArgs.From("transforms_train.args", ("im_size", 128)));
            Assert.Equal(new ImageSize(128, 128), t.OutputSize(10, 20));
        }
        finally
        {
            Registry.Transforms.Remove("readme_test_aug");
        }
    }
}
