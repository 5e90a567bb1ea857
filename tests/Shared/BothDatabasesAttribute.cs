using System.Reflection;
using AdminPortal.Infrastructure.Database;
using Xunit.Sdk;

namespace AdminPortal.Testing;

/// <summary>Runs a theory once on SQLite and once on PostgreSQL: the default for every data test.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BothDatabasesAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) =>
    [
        [DatabaseProvider.Sqlite],
        [DatabaseProvider.Postgres],
    ];
}
