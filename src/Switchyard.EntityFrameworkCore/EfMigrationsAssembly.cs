using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Switchyard.Core;

namespace Switchyard.EntityFrameworkCore;

/// <summary>
/// Loads a compiled migrations assembly and reads its migrations through EF Core's services: the context comes from the
/// assembly's <see cref="IDesignTimeDbContextFactory{TContext}"/> (as <c>dotnet ef</c> does; no database is opened),
/// migrations from its <see cref="IMigrationsAssembly"/>.
/// </summary>
public static class EfMigrationsAssembly
{
    /// <summary>Every migration id in the assembly, oldest first.</summary>
    public static IReadOnlyList<string> List(string assemblyPath)
    {
        using var context = CreateContext(assemblyPath);
        return [.. context.GetService<IMigrationsAssembly>().Migrations.Keys];
    }

    /// <summary>The migration whose id is <paramref name="migration"/> or ends with _<paramref name="migration"/> (its name).</summary>
    public static EfMigration Read(string assemblyPath, string migration)
    {
        using var context = CreateContext(assemblyPath);
        var migrations = context.GetService<IMigrationsAssembly>();
        var matches = migrations.Migrations.Where(m => m.Key == migration || m.Key.EndsWith("_" + migration, StringComparison.Ordinal)).ToList();
        if (matches.Count != 1)
            throw new SwitchyardException($"{(matches.Count == 0 ? "No" : "More than one")} migration '{migration}' in {Path.GetFileName(assemblyPath)} (it has {string.Join(", ", migrations.Migrations.Keys)}).",
                "Pass --migration with a full id or a unique name from that list.");
        var (id, type) = matches[0];
        var built = migrations.CreateMigration(type, context.Database.ProviderName!);
        var version = built.TargetModel?.GetProductVersion() ?? ProductInfo.GetVersion();
        return new EfMigration(id, version, built.UpOperations, built.TargetModel);
    }

    private static DbContext CreateContext(string assemblyPath)
    {
        if (!File.Exists(assemblyPath))
            throw new SwitchyardException($"No migrations assembly at {assemblyPath}.", "Build the project (dotnet build) and pass its output dll with --assembly.");
        var assembly = Assembly.LoadFrom(Path.GetFullPath(assemblyPath));
        var factory = assembly.GetTypes().FirstOrDefault(t => !t.IsAbstract && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDesignTimeDbContextFactory<>)))
            ?? throw new SwitchyardException($"{Path.GetFileName(assemblyPath)} has no IDesignTimeDbContextFactory<TContext>.",
                "Add one (as for `dotnet ef`): it builds the context with the Npgsql provider without opening a connection.");
        var create = factory.GetMethod(nameof(IDesignTimeDbContextFactory<DbContext>.CreateDbContext))!;
        return (DbContext)create.Invoke(Activator.CreateInstance(factory), [Array.Empty<string>()])!;
    }
}
