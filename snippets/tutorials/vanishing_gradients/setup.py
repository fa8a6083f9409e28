# --8<-- [start:seed]
import dlguide

dlguide.set_seed(0)
print("seeded")
# --8<-- [end:seed]
