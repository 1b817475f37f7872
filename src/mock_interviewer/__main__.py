from mock_interviewer.cli import main

main()
