using Oml.Pipelines;
using Oml.Registries;
using Oml.Retrieval;

namespace Oml.Tests.Registries;

/// <summary>The <c>retrieval</c> block: built-in entries, its checks, overrides, and an entry of one's own.</summary>
public sealed class RetrievalRegistryTests
{
    private static RetrievalMethod Read(string distance = "euclidean", params string[] overrides) =>
        RetrievalBlock.Create(EvaluatePipelineConfig.Load(null, ["embeddings=e.npy", "dataframe=df.csv", .. overrides]).Retrieval,
            DistanceKinds.Parse(distance, "metric_args.distance"));

    [Fact]
    public void Without_a_block_validation_is_exact()
    {
        var method = Read();
        Assert.True(method.IsExact);
        Assert.False(method.ReportRecall);
    }

    [Fact]
    public void Group_overrides_take_the_built_in_blocks_and_their_args()
    {
        var method = Read("cosine", "retrieval=usearch", "retrieval.args.expansion_search=32", "retrieval.args.quantization=i8", "retrieval.args.report_recall=true");
        var search = Assert.IsType<HnswKnnSearch>(method.Search);
        Assert.Equal(HnswSettings.Default with { ExpansionSearch = 32, Quantization = IndexQuantization.Int8 }, search.Settings);
        Assert.True(method.ReportRecall);
        Assert.IsType<ExactKnnSearch>(Read("euclidean", "retrieval=exact").Search);
        var inline = Read("euclidean", "retrieval={name: usearch, args: {connectivity: 32}}");
        Assert.Equal(32, Assert.IsType<HnswKnnSearch>(inline.Search).Settings.Connectivity);
    }

    [Theory]
    [InlineData("retrieval=usearc", "did you mean 'usearch'?")]
    [InlineData("retrieval={name: usearch, args: {conectivity: 8}}", "conectivity")]
    [InlineData("retrieval={name: usearch, args: {quantization: f8}}", "retrieval.args.quantization = 'f8' is not valid: expected f32, f16 or i8")]
    [InlineData("retrieval={name: usearch, args: {quantization: i8}}", "retrieval.args: quantization i8 works with the cosine distance only")]
    [InlineData("retrieval={name: usearch, args: {expansion_search: 0}}", "retrieval.args: expansion_search = 0 is not valid")]
    [InlineData("retrieval={name: exact, args: {connectivity: 8}}", "connectivity")]
    public void Mistakes_name_the_config_path(string setting, string message)
    {
        var e = Assert.Throws<OmlException>(() => Read("euclidean", setting));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void An_entry_of_ones_own_is_a_block_like_the_built_in_ones()
    {
        Assert.Equal(["exact", "usearch"], RetrievalRegistry.CreateDefault().Names);
        Registry.Retrieval["test_exact_chunked"] = args => new ExactKnnSearch(new KnnOptions { QueryChunk = args.GetInt("chunk", 4) });
        try
        {
            var method = Read("euclidean", "retrieval={name: test_exact_chunked, args: {chunk: 2, report_recall: true}}");
            Assert.Equal(2, Assert.IsType<ExactKnnSearch>(method.Search).Options!.QueryChunk);
            Assert.True(method.ReportRecall);
        }
        finally
        {
            Registry.Retrieval.Remove("test_exact_chunked");
        }
    }
}
