using System.Collections.Concurrent;
using System.Runtime.Loader;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace Oml.Tests.Interactive;

/// <summary>All kernel tests share one collection: Formatter and the loaded extension are process-global.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelCollection
{
    public const string Name = "Interactive kernel";
}

/// <summary>
/// A CompositeKernel close to what dotnet-interactive builds: C# with #r/#i nuget (PackageManagement package) and
/// the tool's extension loading after #r nuget (interactive-extensions/dotnet: *.dll IKernelExtension, then extension.dib).
/// </summary>
public static class KernelHost
{
    public static CompositeKernel Create()
    {
        var csharp = new CSharpKernel()
            .UseKernelHelpers()
            .UseWho()
            .UseValueSharing()
            .UseNugetDirective((k, refs) =>
            {
                k.AddAssemblyReferences(refs.SelectMany(r => r.AssemblyPaths));
                return Task.CompletedTask;
            });
        var kernel = new CompositeKernel { csharp };
        kernel.DefaultKernelName = csharp.Name;
        kernel.UseImportMagicCommand();
        UseNuGetExtensions(kernel);
        return kernel;
    }

    /// <summary>Same rule as dotnet-interactive's KernelExtensionLoader (it lives in the tool, not in a package).</summary>
    private static void UseNuGetExtensions(CompositeKernel kernel)
    {
        var pending = new ConcurrentQueue<PackageAdded>();
        var seen = new ConcurrentDictionary<string, bool>();
        kernel.RegisterForDisposal(kernel.KernelEvents.Subscribe(e =>
        {
            if (e is PackageAdded { PackageReference.PackageRoot: { } root } added && seen.TryAdd(root, true)) pending.Enqueue(added);
        }));
        kernel.AddMiddleware(async (command, context, next) =>
        {
            await next(command, context);
            while (pending.TryDequeue(out var added))
            {
                var folder = Path.Combine(added.PackageReference.PackageRoot, "interactive-extensions", "dotnet");
                if (!Directory.Exists(folder)) continue;
                foreach (var dll in Directory.GetFiles(folder, "*.dll"))
                {
                    var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(dll);
                    foreach (var type in assembly.ExportedTypes.Where(t => !t.IsAbstract && !t.IsInterface && typeof(IKernelExtension).IsAssignableFrom(t)))
                    {
                        await ((IKernelExtension)Activator.CreateInstance(type)!).OnLoadAsync(kernel);
                    }
                }
                var dib = new FileInfo(Path.Combine(folder, "extension.dib"));
                if (dib.Exists) await kernel.LoadAndRunInteractiveDocument(dib, command);
            }
        });
    }

    public static string? Failure(this KernelCommandResult result) => result.Events.OfType<CommandFailed>().FirstOrDefault()?.Message;

    public static void AssertSucceeded(this KernelCommandResult result) => Assert.Null(result.Failure());

    public static string Html(this DisplayEvent e) => e.FormattedValues.Single(v => v.MimeType == HtmlFormatter.MimeType).Value;

    public static object? ReturnValue(this KernelCommandResult result) => result.Events.OfType<ReturnValueProduced>().Single().Value;
}
