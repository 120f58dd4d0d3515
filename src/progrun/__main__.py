from progrun.cli import main

main()
