using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using Oml.Interactive;

namespace Oml.Tests.Interactive;

[Collection(KernelCollection.Name)]
public sealed class ExtensionLoadTests : IDisposable
{
    private readonly CompositeKernel _kernel = KernelHost.Create();

    [Fact]
    public async Task Extension_registers_the_magics_with_descriptions_and_loading_twice_is_harmless()
    {
        await new OmlKernelExtension().OnLoadAsync(_kernel);
        await new OmlKernelExtension().OnLoadAsync(_kernel);
        OmlKernelExtension.Load(_kernel);

        var directives = _kernel.KernelInfo.SupportedDirectives.Where(d => d.Name.StartsWith("#!oml-", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
            [OmlKernelExtension.DatasetMagic, OmlKernelExtension.PredictMagic, OmlKernelExtension.TrainMagic, OmlKernelExtension.ValidateMagic],
            directives.Select(d => d.Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.All(directives, d => Assert.False(string.IsNullOrWhiteSpace(d.Description)));
        (await _kernel.SubmitCodeAsync("1 + 1")).AssertSucceeded();
    }

    [Fact]
    public async Task Loading_from_csharp_code_in_a_cell_works_and_shows_a_message()
    {
        var result = await _kernel.SubmitCodeAsync($$"""
            #r "{{typeof(OmlKernelExtension).Assembly.Location}}"
            Oml.Interactive.OmlKernelExtension.Load(Microsoft.DotNet.Interactive.Kernel.Root);
            """);
        result.AssertSucceeded();
        // one line, no internal paths
        var message = Assert.Single(result.Events.OfType<Microsoft.DotNet.Interactive.Events.DisplayedValueProduced>()
            .SelectMany(e => e.FormattedValues).Select(v => v.Value), v => v.Contains("loaded", StringComparison.Ordinal));
        Assert.Matches(@"^Oml\.Interactive \d+\.\d+\.\d+ loaded: #!oml-train, #!oml-validate, #!oml-predict, #!oml-dataset$", message);
        Assert.Contains(_kernel.KernelInfo.SupportedDirectives, d => d.Name == OmlKernelExtension.TrainMagic);
    }

    public void Dispose()
    {
        _kernel.Dispose();
        Formatter.ResetToDefault();
    }
}
