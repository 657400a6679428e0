using Oml.Models;
using Oml.Registries;
using Oml.Tests.Models;
using Oml.Weights;

namespace Oml.Tests.Zoo;

/// <summary>A file in the working directory named like a zoo key is what <c>weights</c> names: no download.</summary>
[Collection(ProcessStateCollection.Name)]
public sealed class ZooLocalFileFirstTests : TempDirectoryTest
{
    [Fact]
    public void AFileNamedLikeAKeyInTheWorkingDirectoryWinsOverTheZoo()
    {
        using var server = new ZooTestServer();
        var zoo = ZooExtractorTests.Zoo(Dir.File("cache"), server.BaseUrl);
        using var source = new ViTExtractor(ModelFixtures.TinyViT);
        ModuleWeights.Save(source, Dir.File("vits16_dino"));
        var previous = Directory.GetCurrentDirectory();
        try
        {
            Directory.SetCurrentDirectory(Dir.Path);
            using var loaded = new ViTExtractor(ModelFixtures.TinyViT);
            ExtractorWeights.Load(loaded, "vits16_dino", "extractor.args.weights", zoo);
            ZooExtractorTests.AssertSameWeights(source, loaded);
            var block = new ConfigBlock("vit", new Dictionary<string, object?> { ["arch"] = "vits8", ["weights"] = "vits16_dino" }, "extractor");
            Assert.Empty(ExtractorBlock.WeightsProblems(block, zoo));
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
        Assert.Empty(server.Requests);
        Assert.False(Directory.Exists(Dir.File("cache")));
    }
}
