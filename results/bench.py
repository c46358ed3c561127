"""`make bench` measures of the results app, one module per concern."""

from . import bench_api, bench_public, bench_workbooks

MEASURES = [*bench_workbooks.MEASURES, *bench_public.MEASURES, *bench_api.MEASURES]
